import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ensureTenantCa, tenantCaEnv } from '../../scripts/fake-tenant/ensure-ca.mjs';

/**
 * Trusting the fake tenant's test CA. Node reads NODE_EXTRA_CA_CERTS once, at
 * start-up, and both real clients (@azure/identity through node:https, the
 * Graph client through fetch) use that default trust store, so the variable
 * must be set before the process starts. scripts/run-tests.mjs sets it for the
 * whole test run; a test file or script started some other way re-launches
 * itself once with it (see ensureProcessTrustsTenantCa).
 */

const RELAUNCHED = 'SCIMDESK_TENANT_CA_RELAUNCHED';

/** Whether this process (or `env`) already trusts the test CA through NODE_EXTRA_CA_CERTS. */
export function isTenantCaTrusted(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return false;
  try {
    return readFileSync(file, 'utf8').includes(ensureTenantCa().certPem.trim());
  } catch {
    return false;
  }
}

/**
 * Returns at once when this process trusts the test CA; otherwise runs this
 * same command again (same node flags, same script, same arguments, same
 * stdio, plus NODE_EXTRA_CA_CERTS) and exits with its status. Call it before
 * anything else happens in the process, e.g. by importing trust-tenant-ca.ts
 * first. Under `node --test` the re-launched file reports to the runner through
 * the inherited stdout exactly as the original would have.
 */
export function ensureProcessTrustsTenantCa(): void {
  if (isTenantCaTrusted()) return;
  if (process.env[RELAUNCHED]) {
    throw new Error(`NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ?? ''} does not hold the fake tenant's test CA even after a re-launch.`);
  }
  const script = process.argv[1];
  if (!script) throw new Error('Cannot re-launch: no script path in process.argv.');
  const result = spawnSync(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...tenantCaEnv(process.env), [RELAUNCHED]: '1' },
  });
  process.exit(result.status ?? 1);
}
