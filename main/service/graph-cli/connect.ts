import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { defaultGraphResource } from '../../../shared/admin/graph-resource';
import { GraphConnectInput, type ConnectionReport } from '../../../shared/admin/entra-schemas';
import type { Core } from '../../core/create-core';
import { CertificateMaterialError, pemToClientCertificate, pfxToClientCertificate, type CertificateInfo } from '../../graph/certificate-pem';
import { plural } from '../../../shared/plural';
import { CommandError, EXIT, UsageError, type SpellGraph, type Values, again, call } from './cli-support';

/** `connect` (the secret read from stdin, never from the command line) and `test` (sign-in and each permission). */

/**
 * Reads a secret from stdin: piped input whole (a trailing newline dropped), or
 * typed at a terminal without echo. Never from the command line, where it would
 * land in the shell history and the process list.
 */
export async function readSecretFromStdin(what: string, spell: SpellGraph): Promise<string> {
  const stdin = process.stdin;
  let value: string;
  if (stdin.isTTY) {
    value = await readHidden(`${what} (input hidden, Enter to finish): `);
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    value = Buffer.concat(chunks).toString('utf8');
  }
  value = value.trim();
  if (value === '') throw new CommandError(`No ${what.toLowerCase()} on stdin. Pipe it in, e.g. printf '%s' "$SECRET" | ${spell('connect')} ...`, EXIT.usage);
  return value;
}

export function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolvePromise, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CommandError('Cancelled: nothing was saved.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

// ---- connect ------------------------------------------------------------

/** The command-line option each field of the connection comes from. */
export const CONNECT_FLAGS: Readonly<Record<string, string>> = {
  tenantId: '--tenant-id',
  clientId: '--client-id',
  cloud: '--cloud',
  authorityHost: '--authority-host',
  graphBaseUrl: '--graph-url',
  graphResource: '--graph-resource',
  appId: '--app-id',
  auth: 'the credential',
};

/** zod's messages with the option they are about; they state the rule, never the value (a secret stays out of the output). */
export function describeIssues(issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>): string {
  return issues.map((issue) => `${CONNECT_FLAGS[String(issue.path[0])] ?? 'connect'}: ${issue.message}`).join('; ');
}

export async function connect(core: Core, values: Values, dataDir: string, spell: SpellGraph): Promise<number> {
  const tenantId = values['tenant-id'];
  const clientId = values['client-id'];
  if (!tenantId) throw new UsageError('connect needs --tenant-id (the Directory (tenant) ID or a domain such as contoso.onmicrosoft.com)');
  if (!clientId) throw new UsageError("connect needs --client-id (the Application (client) ID of the app registration ScimDesk signs in as)");
  if (values['client-secret-stdin'] && values['certificate-file']) throw new UsageError('Choose --client-secret-stdin or --certificate-file, not both');
  if (values['certificate-password-stdin'] && !values['certificate-file']) throw new UsageError('--certificate-password-stdin goes with --certificate-file');
  const cloud = values.cloud ?? 'global';
  if (!['global', 'usgov', 'china', 'custom'].includes(cloud)) throw new UsageError(`--cloud must be global, usgov, china or custom, got "${cloud}"`);
  if (cloud !== 'custom' && (values['authority-host'] || values['graph-url'] || values['graph-resource'] !== undefined)) {
    throw new UsageError('--authority-host, --graph-url and --graph-resource are for --cloud custom only (the other clouds have fixed addresses)');
  }
  if (cloud === 'custom' && (!values['authority-host'] || !values['graph-url'])) {
    throw new UsageError('--cloud custom needs --authority-host (the sign-in host) and --graph-url (the Graph address), both https');
  }

  const current = await call(core, 'graph.get', {});
  const previous = current.connection;
  const base = {
    tenantId,
    clientId,
    cloud,
    ...(values['authority-host'] ? { authorityHost: values['authority-host'] } : {}),
    ...(values['graph-url'] ? { graphBaseUrl: values['graph-url'] } : {}),
    ...(values['graph-resource'] !== undefined ? { graphResource: values['graph-resource'] } : {}),
    ...(values['app-id'] !== undefined ? { appId: values['app-id'] } : previous?.appId ? { appId: previous.appId } : {}),
  };
  // Everything but the credential is checked before a secret is asked for.
  const checked = GraphConnectInput.safeParse({ ...base, auth: { kind: 'secret' } });
  if (!checked.success) throw new UsageError(describeIssues(checked.error.issues));
  let auth: GraphConnectInput['auth'];
  let certificate: CertificateInfo | null = null;
  if (values['client-secret-stdin']) {
    auth = { kind: 'secret', clientSecret: await readSecretFromStdin('Client secret', spell) };
  } else if (values['certificate-file']) {
    const file = values['certificate-file'];
    if (!existsSync(file)) throw new CommandError(`No certificate file ${file}`, EXIT.usage);
    const bytes = readFileSync(file);
    const isPem = bytes.toString('latin1').includes('-----BEGIN');
    const password = values['certificate-password-stdin'] ? await readSecretFromStdin('Certificate password', spell) : undefined;
    // Checked now, so a wrong file or password is said here rather than at the first sign-in.
    try {
      certificate = isPem ? pemToClientCertificate(bytes.toString('utf8'), password).info : pfxToClientCertificate(bytes, password ?? '').info;
    } catch (error) {
      if (error instanceof CertificateMaterialError) throw new CommandError(`${basename(file)}: ${error.message}`, EXIT.usage);
      throw error;
    }
    auth = isPem
      ? { kind: 'certificate', format: 'pem', certificate: bytes.toString('utf8'), ...(password !== undefined ? { password } : {}) }
      : { kind: 'certificate', format: 'pfx', certificate: bytes.toString('base64'), ...(password !== undefined ? { password } : {}) };
  } else {
    // No credential given: keep the stored one, of the kind it is.
    if (!previous || !current.secretStored) {
      throw new UsageError('No credential is stored yet: pipe the client secret in with --client-secret-stdin, or give --certificate-file');
    }
    auth = previous.auth === 'secret' ? { kind: 'secret' } : { kind: 'certificate', format: previous.certificateFormat ?? 'pem' };
  }

  const parsed = GraphConnectInput.safeParse({ ...base, auth });
  if (!parsed.success) {
    throw new UsageError(describeIssues(parsed.error.issues));
  }
  const saved = await call(core, 'graph.connect', parsed.data);
  const connection = saved.connection!;
  const cloudLabel = saved.clouds.find((c) => c.id === connection.cloud)?.label ?? connection.cloud;
  const lines = [
    `Saved the Microsoft Graph connection for ${dataDir}:`,
    `  Tenant:                 ${connection.tenantId}`,
    `  Client ID:              ${connection.clientId}`,
    `  Cloud:                  ${cloudLabel}`,
  ];
  if (connection.cloud === 'custom') {
    lines.push(
      `  Sign-in host:           ${connection.authorityHost ?? ''}`,
      `  Graph URL:              ${connection.graphBaseUrl ?? ''}`,
      `  Token resource:         ${connection.graphResource ?? `${defaultGraphResource(connection.graphBaseUrl ?? '')} (the default for this Graph URL; --graph-resource sets another)`}`,
    );
  }
  lines.push(`  Enterprise application: ${connection.appId ?? 'none (scope unknown: nothing is reported as not provisioned or only local; add --app-id)'}`);
  const kept = !values['client-secret-stdin'] && !values['certificate-file'];
  const credential = connection.auth === 'secret' ? 'client secret' : `certificate (${connection.certificateFormat?.toUpperCase() ?? ''})`;
  lines.push(`  Credential:             ${credential}${kept ? ' (the stored one, unchanged)' : ''}, kept in ${saved.secretStore}`);
  if (certificate) lines.push(`  Certificate:            ${certificate.subject}, thumbprint ${certificate.thumbprint}, valid until ${certificate.notAfter}`);
  lines.push(`Next: ${again(spell, 'test', dataDir)}`);
  console.log(lines.join('\n'));
  return EXIT.ok;
}

// ---- test ---------------------------------------------------------------

export function printConnectionReport(report: ConnectionReport): void {
  const lines: string[] = [`Microsoft Graph connection test (${report.testedAt})`];
  const token = report.token;
  if (token.ok) {
    lines.push(`Token:        OK${token.appDisplayName ? ` as "${token.appDisplayName}"` : ''}, expires ${token.expiresOn ?? 'unknown'}`);
    lines.push(`              roles in the token: ${token.roles.length > 0 ? token.roles.join(', ') : 'none'}`);
  } else {
    lines.push(`Token:        FAILED${token.code ? ` (${token.code})` : ''}: ${token.problem ?? 'the token could not be acquired'}`);
    if (token.advice) lines.push(`              What to do: ${token.advice}`);
  }
  if (report.certificate) lines.push(`Certificate:  ${report.certificate.subject}, thumbprint ${report.certificate.thumbprint}, valid until ${report.certificate.notAfter}`);
  if (report.permissions.length > 0) {
    lines.push('Permissions:');
    const width = Math.max(...report.permissions.map((p) => p.permission.length));
    for (const p of report.permissions) {
      const status = p.status === 'granted' ? 'granted' : p.status.toUpperCase();
      const by = p.status === 'granted' && p.grantedBy && p.grantedBy !== p.permission ? ` (through ${p.grantedBy})` : '';
      lines.push(`  ${p.permission.padEnd(width)}  ${status}${by}: ${p.neededFor}`);
      if (p.detail && p.status !== 'granted') lines.push(`  ${' '.repeat(width)}  ${p.detail}`);
      if (p.consentStep && p.status !== 'granted') lines.push(`  ${' '.repeat(width)}  To grant it: ${p.consentStep}`);
    }
  }
  const app = report.enterpriseApp;
  if (app === null) lines.push('Enterprise application: none chosen (connect with --app-id to know the provisioning scope and use the job actions)');
  else if (app.found) lines.push(`Enterprise application: ${app.displayName ?? ''} (Application ID ${app.appId ?? ''}, object ID ${app.id ?? ''})${app.jobs !== null ? `, ${plural(app.jobs, 'provisioning job')}` : ''}`);
  else lines.push(`Enterprise application: NOT FOUND (${app.appId ?? ''}): ${app.detail ?? ''}`);
  lines.push(`Compare:      ${report.canCompare ? 'can run' : 'cannot run (see above)'}`);
  lines.push(`Job actions:  ${report.canManageJobs ? 'available' : 'not available'}`);
  lines.push(`Entra logs:   ${report.canReadLogs ? 'available' : 'not available'}`);
  console.log(lines.join('\n'));
}

export async function testConnection(core: Core, values: Values): Promise<number> {
  const report = await call(core, 'graph.test', {});
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printConnectionReport(report);
  return report.canCompare ? EXIT.ok : EXIT.cannotCompare;
}
