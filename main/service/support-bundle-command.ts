import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE } from '../core/create-core';
import { callAdmin } from '../admin/dispatch';
import { SUPPORT_BUNDLE_MAX_CYCLES } from '../../shared/admin/support-schemas';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { cliActor } from './os-account';
import { UsageError, withUsage } from './usage-error';

/** How the host spells `support-bundle <args>` (`npm run support-bundle -- …`, `ScimDesk.exe --support-bundle …`). */
export type SpellSupportBundle = (args: string) => string;

export function supportBundleUsage(spell: SpellSupportBundle): string {
  return `ScimDesk support bundle

Usage:
  ${spell('[--data-dir D] [--out FILE] [--cycles N]')}

Writes a redacted zip for support: versions, settings without secrets, schemas, token fingerprints,
the mapping diagnostics, the last comparison's counts, storage and the quarantine assessment, and the
sync log of the last N provisioning cycles (default 3, at most ${SUPPORT_BUNDLE_MAX_CYCLES}) with personal data masked.
It reads the data folder directly, so it works whether the service runs or not (a comparison is kept
in the running service's memory only: the admin UI's Settings > Support bundle includes it).
--out defaults to scimdesk-support-<time>.zip in the current folder.

The data folder defaults to ${defaultDataDir()} (environment: SCIMDESK_DATA_DIR).`;
}


async function writeBundle(argv: readonly string[], spell: SpellSupportBundle): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'data-dir': { type: 'string' }, out: { type: 'string' }, cycles: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(supportBundleUsage(spell));
    return 0;
  }
  const cycles = values.cycles === undefined ? 3 : Number(values.cycles);
  if (!Number.isInteger(cycles) || cycles < 1 || cycles > SUPPORT_BUNDLE_MAX_CYCLES) throw new UsageError(`--cycles must be a whole number from 1 to ${SUPPORT_BUNDLE_MAX_CYCLES}, got "${values.cycles}"`);
  const dataDir = values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir();
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    console.error(`Error: No ScimDesk data in ${dataDir}. Pass --data-dir.`);
    return 1;
  }
  const core = await openDataFolder(dataDir);
  try {
    // Through the admin handler, as the Settings screen builds it.
    const bundle = await callAdmin(core.admin.handlers, 'support.bundle', { cycles }, { actor: cliActor() });
    const out = resolve(values.out ?? bundle.fileName);
    writeFileSync(out, Buffer.from(bundle.zipBase64, 'base64'));
    console.log(`Support bundle: ${out} (${Math.max(1, Math.round(bundle.bytes / 1024))} KB)`);
    console.log(
      bundle.cycles > 0
        ? `Sync log: ${bundle.entries} entries of the last ${bundle.cycles} provisioning cycle(s).`
        : `Sync log: ${bundle.entries} entries of the last ${cycles} hour(s) (the log shows no provisioning cycle).`,
    );
    for (const file of bundle.files) console.log(`  ${file.name.padEnd(22)} ${String(file.bytes).padStart(9)} bytes  ${file.what}`);
    console.log('Redacted: no token, token hash, client secret or tunnel secret; personal data masked (see README.txt inside).');
    return 0;
  } finally {
    await core.stop();
  }
}

/**
 * `support-bundle [--data-dir D] [--out FILE] [--cycles N]`: writes the redacted support zip of a data
 * folder, beside a running service or without one. Returns the exit code: 0 written, 1 no data folder,
 * 2 a usage mistake (said with the usage text). Any other failure is thrown, for the host to word it
 * (a damaged database gets the same advice as every other command).
 */
export async function runSupportBundleCli(argv: readonly string[], spell: SpellSupportBundle): Promise<number> {
  return withUsage(() => writeBundle(argv, spell), () => supportBundleUsage(spell));
}
