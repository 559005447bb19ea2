import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cliActor } from './os-account';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defaultGraphResource } from '../../shared/admin/graph-resource';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/admin/contract';
import { GraphConnectInput, type ConnectionReport, type ReportSummary } from '../../shared/admin/entra-schemas';
import { Candidate, CATEGORIES, CategoryCounts, CompareReport, CompareSource, ReportRow, type Category, type ReasonCode } from '../../shared/admin/report-schemas';
import { DATABASE_FILE, type Core } from '../core/create-core';
import { AdminApiError } from '../admin/admin-error';
import { callAdmin } from '../admin/dispatch';
import { CertificateMaterialError, pemToClientCertificate, pfxToClientCertificate, type CertificateInfo } from '../graph/certificate-pem';
import { MissingSecretError } from '../graph/create-graph-client';
import { GraphConfigError } from '../graph/graph-config';
import { explainTokenError, GraphRequestError, isAbortError } from '../graph/graph-errors';
import { RECOMMENDED_RESET_SCOPE, RESET_SCOPE_MEANING, RESET_SCOPES, ResetScopeRefusedError, toResetScope, type ResetScope } from '../graph/reset-scope';
import { buildFixPlan, type FixPlan } from '../reconcile/fix-plan';
import { StoreConflictError } from '../store/store-errors';
import { defaultDataDir } from './default-data-dir';
import { openDataFolder } from './open-data-folder';
import { plural } from '../../shared/plural';

/**
 * `npm run graph -- <command>`: Compare & Fix from the command line (issue 6,
 * "Scripting"), for support engineers and scheduled checks. It opens the core on
 * the data folder without starting its listener, so it works the same whether
 * the service runs or not: the database is shared through SQLite WAL, the Graph
 * secret through the secret store. Secrets are read from stdin only, never from
 * the command line, and never printed.
 */

const USAGE = `ScimDesk: Compare & Fix with Microsoft Graph from the command line

Usage: npm run graph -- <command> [--data-dir D] [options]

Commands:
  connect  --tenant-id T --client-id C (--client-secret-stdin | --certificate-file F [--certificate-password-stdin])
           [--cloud global|usgov|china|custom] [--authority-host URL --graph-url URL [--graph-resource URL]] [--app-id A]
           Saves the connection; the secret (or PFX password) is read from stdin and kept in the secret store.
           --graph-resource: the resource tokens are asked for, when --graph-url is a proxy or private endpoint
           (default: https://graph.microsoft.com, or the Graph URL itself when it is a national cloud's Graph host).
           Without a credential option the stored one is kept.
  test     [--json]                      Signs in and checks each permission. Exit 0 when Compare can run, 3 when not.
  compare  [--snapshot ID | --csv FILE] [--json] [--out FILE] [--fail-on CATEGORY,...]
           Fetches a fresh snapshot from Graph (progress on stderr) unless --snapshot or --csv is given,
           compares it with the local records and prints the counts; --json prints the whole report,
           --out writes it to a file (the plan file of \`fix\`). --fail-on exits 5 when any of those
           categories has a record (for scheduled checks).
  fix      --plan F (--dry-run | --apply) [--approve ID,ID...] [--plan-out P]
           Builds the fix plan from a report written by \`compare --out\` (or a file written by --plan-out)
           and prints every change, refusal and approval needed; --dry-run writes nothing, --apply applies
           it in one transaction with an audit entry per record. Exit 4 when records changed since the report.
  fix      --undo BATCH_ID               Reverts a whole applied batch (exit 4 if a record changed since).
  fix      --list                        Applied batches, newest first.
  jobs                                   The enterprise application's provisioning jobs.
  restart  --job-id J --scope Watermark[,Escrows,...] [--insist]
           Restarts Entra's provisioning job. ConnectorDataStore, Full and ForceDeletes are refused without --insist.
  snapshots                              Snapshots kept in the data folder, newest first.
  help                                   This text.

Examples:
  printf '%s' "$SECRET" | npm run graph -- connect --data-dir D --tenant-id contoso.onmicrosoft.com \\
      --client-id 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef --client-secret-stdin --app-id 5f1c3a7e-64d0-4a8e-9b2f-0c9d2b7e41aa
  npm run graph -- test --data-dir D
  npm run graph -- compare --data-dir D --out report.json
  npm run -s graph -- compare --data-dir D --json > report.json     (-s: without npm's banner on stdout)
  npm run graph -- fix --data-dir D --plan report.json --dry-run
  npm run graph -- fix --data-dir D --plan report.json --apply --approve 4f1d...,9c2e...
  npm run graph -- fix --data-dir D --undo 7b3e2d0a-...
  npm run graph -- restart --data-dir D --job-id scim.0123... --scope Watermark,Escrows,QuarantineState

Exit codes: 0 done, 1 failed, 2 bad arguments or input file, 3 Compare cannot run (test),
4 refused (records changed since the report, or a restart scope that needs --insist), 5 --fail-on matched.
The data folder defaults to ${defaultDataDir()} (environment: SCIMDESK_DATA_DIR).`;

/** Exit codes, documented in USAGE and the README. */
const EXIT = { ok: 0, failed: 1, usage: 2, cannotCompare: 3, refused: 4, failOn: 5 } as const;

/** Report rows read per call (the contract's page limit). */
const ROWS_PAGE = 500;

/**
 * One admin call, as the Compare & Fix screen makes it: the same handlers, the input checked against
 * the contract, the audit trail naming this OS account. Errors keep their types, for this command's
 * own wording and exit codes.
 */
function call<M extends MethodName>(core: Core, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return callAdmin(core.admin.handlers, method, input, { actor: cliActor() });
}

/** A usage mistake: said with the usage text, exit 2. */
class UsageError extends Error {}
/** A command that cannot be done as things are: said without the usage text. */
class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      'certificate-file': { type: 'string' },
      'certificate-password-stdin': { type: 'boolean' },
      cloud: { type: 'string' },
      'authority-host': { type: 'string' },
      'graph-url': { type: 'string' },
      'graph-resource': { type: 'string' },
      'app-id': { type: 'string' },
      snapshot: { type: 'string' },
      csv: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'fail-on': { type: 'string' },
      plan: { type: 'string' },
      'plan-out': { type: 'string' },
      'dry-run': { type: 'boolean' },
      apply: { type: 'boolean' },
      approve: { type: 'string', multiple: true },
      undo: { type: 'string' },
      list: { type: 'boolean' },
      'job-id': { type: 'string' },
      scope: { type: 'string' },
      insist: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Options each command accepts besides --data-dir and --help: anything else is a usage error, not silently ignored. */
const COMMAND_OPTIONS: Readonly<Record<string, ReadonlyArray<keyof Values>>> = {
  connect: ['tenant-id', 'client-id', 'client-secret-stdin', 'certificate-file', 'certificate-password-stdin', 'cloud', 'authority-host', 'graph-url', 'graph-resource', 'app-id'],
  test: ['json'],
  compare: ['snapshot', 'csv', 'json', 'out', 'fail-on'],
  fix: ['plan', 'plan-out', 'dry-run', 'apply', 'approve', 'undo', 'list'],
  jobs: ['json'],
  restart: ['job-id', 'scope', 'insist'],
  snapshots: [],
};


/** A list option (`--approve a,b --approve c`) as its items. */
function list(raw: string | ReadonlyArray<string> | undefined): string[] {
  if (raw === undefined) return [];
  const parts = typeof raw === 'string' ? [raw] : raw;
  return parts.flatMap((part) => part.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** How this command is run again for the same data folder (in hints). */
function again(command: string, dataDir: string): string {
  const folder = dataDir === defaultDataDir() ? '' : ` --data-dir ${JSON.stringify(dataDir)}`;
  return `npm run graph -- ${command}${folder}`;
}

// ---- stdin --------------------------------------------------------------

/**
 * Reads a secret from stdin: piped input whole (a trailing newline dropped), or
 * typed at a terminal without echo. Never from the command line, where it would
 * land in the shell history and the process list.
 */
async function readSecretFromStdin(what: string): Promise<string> {
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
  if (value === '') throw new CommandError(`No ${what.toLowerCase()} on stdin. Pipe it in, e.g. printf '%s' "$SECRET" | npm run graph -- connect ...`, EXIT.usage);
  return value;
}

function readHidden(prompt: string): Promise<string> {
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
const CONNECT_FLAGS: Readonly<Record<string, string>> = {
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
function describeIssues(issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>): string {
  return issues.map((issue) => `${CONNECT_FLAGS[String(issue.path[0])] ?? 'connect'}: ${issue.message}`).join('; ');
}

async function connect(core: Core, values: Values, dataDir: string): Promise<number> {
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
    auth = { kind: 'secret', clientSecret: await readSecretFromStdin('Client secret') };
  } else if (values['certificate-file']) {
    const file = values['certificate-file'];
    if (!existsSync(file)) throw new CommandError(`No certificate file ${file}`, EXIT.usage);
    const bytes = readFileSync(file);
    const isPem = bytes.toString('latin1').includes('-----BEGIN');
    const password = values['certificate-password-stdin'] ? await readSecretFromStdin('Certificate password') : undefined;
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
  lines.push(`Next: ${again('test', dataDir)}`);
  console.log(lines.join('\n'));
  return EXIT.ok;
}

// ---- test ---------------------------------------------------------------

function printConnectionReport(report: ConnectionReport): void {
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

async function test(core: Core, values: Values): Promise<number> {
  const report = await call(core, 'graph.test', {});
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printConnectionReport(report);
  return report.canCompare ? EXIT.ok : EXIT.cannotCompare;
}

// ---- the report file ------------------------------------------------------

const REPORT_FORMAT = 'scimdesk.compare-report';
const PLAN_FORMAT = 'scimdesk.fix-plan';

// A record of the report file: the shared report row's fields, in the file's documented
// order (the CLI writes them so; --plan-out writes back what it read, in schema order).
// Candidate fields and `represents` were added within version 1: files written before
// them read as unknown (null).
const candidate = Candidate.shape;
const CandidateJson = Candidate.pick({
  objectId: true,
  matchedOn: true,
  confidence: true,
  reason: true,
  userPrincipalName: true,
  displayName: true,
  mail: true,
  mailNickname: true,
  accountEnabled: true,
  employeeId: true,
  inScope: true,
  linkedTo: true,
}).extend({
  mail: candidate.mail.default(null),
  mailNickname: candidate.mailNickname.default(null),
  accountEnabled: candidate.accountEnabled.default(null),
  employeeId: candidate.employeeId.default(null),
});

const field = ReportRow.shape;
const recordFields = {
  /** ScimDesk's id of the record; null for an Entra object never provisioned. */
  localId: field.localId,
  displayName: z.string().nullable(),
  externalId: field.externalId,
  /** The Entra object the record is about (the one its externalId names, when that exists). */
  objectId: field.objectId,
  /** The Entra object the record stands for (linked to it, or the fix's unambiguous choice). */
  represents: field.represents.default(null),
  category: field.category,
  // Any string, as before the codes were a schema: a file from a later release may know more.
  reasonCode: z.string(),
  reason: field.reason,
  candidates: z.array(CandidateJson).readonly(),
  drift: field.drift,
};

const UserRecordJson = z.object({ ...recordFields, userName: field.name });
const GroupRecordJson = z.object({ ...recordFields, displayName: field.name });

/** What `compare --json` prints and `compare --out` writes: documented in the README, stable within a version. */
const CompareReportJson = z.object({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(1),
  generatedAt: z.string(),
  source: CompareSource.extend({ snapshotId: z.string() }),
  compared: z.object({ users: z.boolean(), groups: z.boolean() }),
  notes: CompareReport.shape.notes,
  counts: z.object({ users: CategoryCounts, groups: CategoryCounts }),
  users: z.array(UserRecordJson).readonly(),
  groups: z.array(GroupRecordJson).readonly(),
});
type CompareReportJson = z.infer<typeof CompareReportJson>;

/** What `fix --plan-out` writes: the report it was built from, the approvals, and the plan (for review). */
const FixPlanFileJson = z.object({
  format: z.literal(PLAN_FORMAT),
  version: z.literal(1),
  report: CompareReportJson,
  approve: z.array(z.string()),
  plan: z.unknown(),
});

/** One row as a report record, keys in the documented order. */
function toRecord(row: ReportRow) {
  return {
    localId: row.localId,
    // For a user never provisioned, userName is the UPN Entra would send as userName.
    ...(row.kind === 'User' ? { userName: row.name } : {}),
    displayName: row.kind === 'Group' ? row.name : (row.local?.displayName ?? row.entra?.displayName ?? null),
    externalId: row.externalId,
    objectId: row.objectId,
    represents: row.represents,
    category: row.category,
    reasonCode: row.reasonCode,
    reason: row.reason,
    candidates: row.candidates.map((c) => ({
      objectId: c.objectId,
      matchedOn: c.matchedOn,
      confidence: c.confidence,
      reason: c.reason,
      userPrincipalName: c.userPrincipalName,
      displayName: c.displayName,
      mail: c.mail,
      mailNickname: c.mailNickname,
      accountEnabled: c.accountEnabled,
      employeeId: c.employeeId,
      inScope: c.inScope,
      linkedTo: c.linkedTo,
    })),
    drift: row.drift.map((d) => ({ attribute: d.attribute, local: d.local, entra: d.entra, note: d.note })),
  };
}

function toReportJson(summary: ReportSummary, users: ReadonlyArray<ReportRow>, groups: ReadonlyArray<ReportRow>): CompareReportJson {
  return {
    format: REPORT_FORMAT,
    version: 1,
    generatedAt: summary.generatedAt,
    source: { ...summary.source, snapshotId: summary.snapshotId },
    compared: { users: summary.compared.User, groups: summary.compared.Group },
    notes: summary.notes,
    counts: { users: summary.counts.User, groups: summary.counts.Group },
    users: users.map(toRecord) as CompareReportJson['users'],
    groups: groups.map(toRecord) as CompareReportJson['groups'],
  };
}

/** The comparison a report file describes, as buildFixPlan takes it: same rows, same order (users, then groups). */
function fromReportJson(json: CompareReportJson): CompareReport {
  const row = (kind: 'User' | 'Group', record: CompareReportJson['users'][number] | CompareReportJson['groups'][number], name: string): ReportRow => ({
    kind,
    localId: record.localId,
    objectId: record.objectId,
    name,
    externalId: record.externalId,
    category: record.category,
    reasonCode: record.reasonCode as ReasonCode,
    reason: record.reason,
    candidates: record.candidates,
    drift: record.drift,
    local: null,
    entra: null,
    represents: record.represents,
  });
  const toCounts = (counts: CategoryCounts): CategoryCounts => ({ ...counts });
  return {
    generatedAt: json.generatedAt,
    source: {
      entra: json.source.entra,
      entraFetchedAt: json.source.entraFetchedAt,
      tenantId: json.source.tenantId,
      localTakenAt: json.source.localTakenAt,
      scopeKnown: json.source.scopeKnown,
    },
    compared: { User: json.compared.users, Group: json.compared.groups },
    notes: json.notes,
    counts: { User: toCounts(json.counts.users), Group: toCounts(json.counts.groups) },
    rows: [...json.users.map((r) => row('User', r, r.userName)), ...json.groups.map((r) => row('Group', r, r.displayName))],
  };
}

/** Reads a plan file: a compare report, or a file written by `fix --plan-out` (report and approvals). */
function readPlanFile(file: string): { report: CompareReportJson; approve: string[] } {
  if (!existsSync(file)) throw new CommandError(`No plan file ${file}. Write one with \`npm run graph -- compare --out ${file}\`.`, EXIT.usage);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CommandError(`${file} is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
  const format = (data as { format?: unknown } | null)?.format;
  const schema = format === PLAN_FORMAT ? FixPlanFileJson : CompareReportJson;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new CommandError(
      `${file} is not a ScimDesk compare report (written by \`compare --json\` or \`compare --out\`) or plan file (\`fix --plan-out\`): ${problems.join('; ')}`,
      EXIT.usage,
    );
  }
  const value = parsed.data;
  if ('plan' in value) return { report: value.report, approve: [...value.approve] };
  return { report: value as CompareReportJson, approve: [] };
}

// ---- compare ------------------------------------------------------------

function printCounts(json: CompareReportJson): void {
  const when = json.source.entra === 'csv' ? `CSV import of ${json.source.entraFetchedAt}` : `Graph snapshot of ${json.source.entraFetchedAt}`;
  const lines = [
    `Compared ${plural(json.users.filter((u) => u.localId !== null).length, 'local user')} and ${json.compared.groups ? plural(json.groups.filter((g) => g.localId !== null).length, 'group') : 'no groups'} with the ${when} (snapshot ${json.source.snapshotId})`,
    '',
    `  ${'Category'.padEnd(16)}${'Users'.padStart(8)}${'Groups'.padStart(8)}`,
  ];
  for (const category of CATEGORIES) {
    const groups = json.compared.groups ? String(json.counts.groups[category]) : '-';
    lines.push(`  ${category.padEnd(16)}${String(json.counts.users[category]).padStart(8)}${groups.padStart(8)}`);
  }
  for (const note of json.notes) lines.push('', `Note: ${note}`);
  console.log(lines.join('\n'));
}

async function compare(core: Core, values: Values, dataDir: string): Promise<number> {
  if (values.snapshot && values.csv) throw new UsageError('Choose --snapshot or --csv, not both');
  const failOn = list(values['fail-on']);
  const unknown = failOn.filter((c) => !(CATEGORIES as ReadonlyArray<string>).includes(c));
  if (unknown.length > 0) throw new UsageError(`--fail-on takes categories among ${CATEGORIES.join(', ')}; unknown: ${unknown.join(', ')}`);

  let snapshotId: string;
  if (values.snapshot) {
    snapshotId = values.snapshot;
    if (!(await call(core, 'graph.snapshots', {})).items.some((s) => s.id === snapshotId)) {
      throw new CommandError(`No snapshot ${snapshotId} in ${dataDir}. \`${again('snapshots', dataDir)}\` lists them.`);
    }
  } else if (values.csv) {
    const file = values.csv;
    if (!existsSync(file)) throw new CommandError(`No CSV file ${file}`, EXIT.usage);
    const meta = await call(core, 'graph.importCsv', { csv: readFileSync(file, 'utf8'), fileName: basename(file) });
    console.error(`Imported ${plural(meta.users, 'user')} from ${basename(file)} (snapshot ${meta.id})`);
    snapshotId = meta.id;
  } else {
    console.error('Fetching users, groups and the application scope from Microsoft Graph…');
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      // Awaited with progress on stderr: the same fetch the screen starts in the background (graph.fetch).
      const meta = await core.admin.entra.fetches.fetchNow((message) => console.error(`  ${message}`), controller.signal);
      console.error(`Fetched ${plural(meta.users, 'user')} and ${plural(meta.groups, 'group')} (snapshot ${meta.id})`);
      snapshotId = meta.id;
    } finally {
      process.off('SIGINT', onSignal);
    }
  }

  const summary = await call(core, 'compare.run', { snapshotId });
  const all = async (kind: 'User' | 'Group') => {
    const rows: ReportRow[] = [];
    for (let startIndex = 1; ; startIndex += ROWS_PAGE) {
      const page = await call(core, 'compare.rows', { reportId: summary.id, kind, startIndex, count: ROWS_PAGE });
      rows.push(...page.items);
      if (rows.length >= page.total || page.items.length === 0) return rows;
    }
  };
  const json = toReportJson(summary, await all('User'), await all('Group'));
  const text = `${JSON.stringify(json, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text, { mode: 0o600 });
  }
  if (values.json) {
    process.stdout.write(text);
  } else {
    printCounts(json);
    if (values.out) {
      console.log(`\nWrote the report to ${values.out}. Preview the fixes: ${again(`fix --plan ${JSON.stringify(values.out)} --dry-run`, dataDir)}`);
    } else {
      console.log(`\nWrite the report with --out FILE (or print it with --json), then preview the fixes with \`npm run graph -- fix --plan FILE --dry-run\`.`);
    }
  }
  if (values.out && values.json) console.error(`Wrote the report to ${values.out}`);
  const failed = failOn.filter((c) => json.counts.users[c as Category] + json.counts.groups[c as Category] > 0);
  if (failed.length > 0) {
    console.error(`--fail-on: ${failed.map((c) => `${json.counts.users[c as Category] + json.counts.groups[c as Category]} ${c}`).join(', ')}`);
    return EXIT.failOn;
  }
  return EXIT.ok;
}

// ---- fix ----------------------------------------------------------------

function describePlan(plan: FixPlan, source: string): string[] {
  const s = plan.summary;
  const noun = (kind: 'User' | 'Group') => (kind === 'User' ? 'user ' : 'group');
  const lines = [
    `Fix plan from the comparison of ${plan.reportGeneratedAt} (${source})`,
    `  ${plural(s.link, 'link')}, ${plural(s.unlink, 'unlink')}, ${s.refused} refused, ${s.needsApproval} ${s.needsApproval === 1 ? 'needs' : 'need'} approval, ${s.left} left as is`,
  ];
  if (plan.actions.length > 0) {
    lines.push('', 'Changes:');
    for (const a of plan.actions) {
      lines.push(`  ${a.kind.toUpperCase().padEnd(7)} ${noun(a.resourceType)} ${a.name} (${a.localId}): externalId ${JSON.stringify(a.from)} -> ${JSON.stringify(a.to)}`);
      lines.push(`          ${a.reason}`);
    }
  }
  if (plan.refused.length > 0) {
    lines.push('', 'Refused:');
    for (const r of plan.refused) lines.push(`  REFUSED ${noun(r.resourceType)} ${r.name} (${r.localId}): ${r.reason}`);
  }
  if (plan.needsApproval.length > 0) {
    lines.push('', 'Needs approval (add --approve with these ids to include them):');
    for (const n of plan.needsApproval) lines.push(`  APPROVE ${noun(n.resourceType)} ${n.name} (${n.localId}) -> ${n.to}: ${n.reason}`);
    lines.push(`  --approve ${plan.needsApproval.map((n) => n.localId).join(',')}`);
  }
  if (plan.left.length > 0) {
    lines.push('', 'Left as is:');
    for (const l of plan.left) lines.push(`  LEFT    ${noun(l.resourceType)} ${l.name} (${l.localId}): ${l.reason}`);
  }
  return lines;
}

async function fix(core: Core, values: Values, dataDir: string): Promise<number> {
  const modes = [values.plan !== undefined, values.undo !== undefined, values.list === true].filter(Boolean).length;
  if (modes !== 1) throw new UsageError('fix needs one of --plan F (with --dry-run or --apply), --undo BATCH_ID or --list');

  if (values.list) {
    const batches = (await call(core, 'fix.batches', {})).items;
    if (batches.length === 0) {
      console.log('No fixes applied yet.');
      return EXIT.ok;
    }
    for (const b of batches) {
      const state = b.undone ? `undone ${b.undone} by ${b.undoneBy ?? 'unknown'}` : 'applied';
      console.log(`${b.id}  ${b.created}  ${b.actor}  ${plural(b.changes.length, 'change')}, ${state}\n    ${b.summary}`);
    }
    return EXIT.ok;
  }

  if (values.undo !== undefined) {
    const batch = await call(core, 'fix.undo', { batchId: values.undo });
    console.log(`Undid fix batch ${batch.id}: ${plural(batch.changes.length, 'record')} ${batch.changes.length === 1 ? 'has its' : 'have their'} earlier externalId again.`);
    for (const c of batch.changes) console.log(`  ${c.resourceType} ${c.name} (${c.resourceId}): externalId ${JSON.stringify(c.after)} -> ${JSON.stringify(c.before)}`);
    return EXIT.ok;
  }

  const file = values.plan!;
  if (values['dry-run'] === values.apply) throw new UsageError('fix --plan needs exactly one of --dry-run (show the changes) and --apply (make them)');
  const { report: json, approve: approvedInFile } = readPlanFile(file);
  const approve = [...new Set([...approvedInFile, ...list(values.approve)])];
  const known = new Set([...json.users, ...json.groups].map((r) => r.localId).filter((id): id is string => id !== null));
  const strangers = approve.filter((id) => !known.has(id));
  if (strangers.length > 0) throw new UsageError(`--approve names ${plural(strangers.length, 'record')} not in ${file}: ${strangers.join(', ')}`);

  const report = fromReportJson(json);
  const planId = randomUUID();
  const plan = buildFixPlan(report, { approveMailOnly: new Set(approve) }, planId, core.now().toISOString());
  console.log(describePlan(plan, basename(file)).join('\n'));

  if (values['plan-out']) {
    const out = { format: PLAN_FORMAT, version: 1, report: json, approve, plan: { ...plan, id: undefined, createdAt: undefined } };
    writeFileSync(values['plan-out'], `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
    console.log(`\nWrote the plan to ${values['plan-out']} (\`fix --plan ${values['plan-out']} --apply\` applies it with these approvals).`);
  }

  if (values['dry-run']) {
    const approveFlag = approve.length > 0 ? ` --approve ${approve.join(',')}` : '';
    console.log(`\nDry run: nothing was written.${plan.actions.length > 0 ? ` Apply with: ${again(`fix --plan ${JSON.stringify(file)} --apply${approveFlag}`, dataDir)}` : ''}`);
    return EXIT.ok;
  }

  if (plan.actions.length === 0) {
    console.log('\nThe plan changes nothing: nothing was written.');
    return EXIT.ok;
  }
  try {
    // A plan built here from a report file (no contract method takes one): applied by the same session the screen's Apply uses.
    const batch = await core.admin.entra.session.applyPlan(plan, cliActor(), `command line, ${basename(file)}`);
    console.log(`\nApplied fix batch ${batch.id}: ${plural(batch.changes.length, 'record')} changed in one transaction, each with an audit entry (actor ${batch.actor}).`);
    console.log(`Undo it with: ${again(`fix --undo ${batch.id}`, dataDir)}`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    const lines = [`\nRefused: ${error.message}. Records changed since the report:`];
    for (const conflict of error.conflicts) lines.push(`  - ${conflict}`);
    lines.push(`Compare again (${again('compare --out FILE', dataDir)}) and build the plan from the new report.`);
    console.error(lines.join('\n'));
    return EXIT.refused;
  }
}

// ---- Entra-side actions -----------------------------------------------------

async function jobs(core: Core, values: Values): Promise<number> {
  const found = await call(core, 'entra.jobs', {});
  if (values.json) {
    console.log(JSON.stringify(found, null, 2));
    return EXIT.ok;
  }
  if (found.items.length === 0) console.log('The enterprise application has no provisioning job.');
  for (const job of found.items) {
    console.log(`${job.id}`);
    console.log(`  template ${job.templateId}, status ${job.status ?? 'unknown'}, schedule ${job.scheduleState ?? 'unknown'} every ${job.interval ?? '?'}`);
    if (job.lastRun) console.log(`  last run: ${job.lastRun.state ?? 'unknown'} ${job.lastRun.began ?? ''} – ${job.lastRun.ended ?? ''}${job.lastRun.error ? `: ${job.lastRun.error}` : ''}`);
    if (job.quarantine) console.log(`  QUARANTINED since ${job.quarantine.since ?? '?'}: ${job.quarantine.reason ?? ''}${job.quarantine.error ? ` (${job.quarantine.error})` : ''}`);
  }
  return EXIT.ok;
}

async function restart(core: Core, values: Values, dataDir: string): Promise<number> {
  const jobId = values['job-id'];
  if (!jobId) throw new UsageError(`restart needs --job-id (\`${again('jobs', dataDir)}\` lists the jobs)`);
  const scopes = list(values.scope);
  if (scopes.length === 0) throw new UsageError(`restart needs --scope, e.g. ${RECOMMENDED_RESET_SCOPE.join(',')} (what the admin center's Restart does). Known: ${RESET_SCOPES.join(', ')}`);
  const unknown = scopes.filter((s) => !(RESET_SCOPES as ReadonlyArray<string>).includes(s));
  if (unknown.length > 0) throw new UsageError(`Unknown reset scope: ${unknown.join(', ')}. Known: ${RESET_SCOPES.join(', ')}`);
  const chosen = scopes as ResetScope[];
  // Said before anything is sent: the refusal needs no Graph call.
  try {
    toResetScope(chosen, { insist: values.insist === true });
  } catch (error) {
    if (!(error instanceof ResetScopeRefusedError)) throw error;
    const lines = [`Refused: ${error.message.replace(/ Confirm to insist\.$/, '')}`];
    // Full is "all of the above": say what that includes.
    const explained = error.scopes.includes('Full') ? [...new Set<ResetScope>(['ConnectorDataStore', 'Escrows', 'Watermark', 'QuarantineState', ...error.scopes])] : error.scopes;
    for (const scope of explained) lines.push(`  ${scope}: ${RESET_SCOPE_MEANING[scope]}`);
    lines.push(
      `Nothing was sent to Entra. Add --insist only if you mean it (fix the identifiers first: ${again('compare', dataDir)}),`,
      `or restart without it: --scope ${RECOMMENDED_RESET_SCOPE.join(',')} (the admin center's Restart; keeps the saved identifiers).`,
    );
    console.error(lines.join('\n'));
    return EXIT.refused;
  }
  const done = await call(core, 'entra.restartJob', { jobId, resetScope: chosen, insist: values.insist === true });
  console.log(`Restarted provisioning job ${jobId} with reset scope ${done.resetScope}.`);
  for (const scope of done.resetScope.split(',') as ResetScope[]) console.log(`  ${scope}: ${RESET_SCOPE_MEANING[scope]}`);
  return EXIT.ok;
}

async function snapshots(core: Core): Promise<number> {
  const found = (await call(core, 'graph.snapshots', {})).items;
  if (found.length === 0) console.log('No snapshots yet: `npm run graph -- compare` fetches one.');
  for (const s of found) console.log(`${s.id}  ${s.label}: ${plural(s.users, 'user')}, ${plural(s.groups, 'group')}${s.scopeKnown ? '' : ', scope unknown'}`);
  return EXIT.ok;
}

// ---- errors -------------------------------------------------------------------

/** Plain words for what the Graph layer throws (sign-in failures with their AADSTS advice, Graph's answers). */
function explainGraphFailure(error: unknown, dataDir: string): string | undefined {
  if (error instanceof GraphConfigError || error instanceof MissingSecretError) return `${error.message}\nFix the connection with \`${again('connect', dataDir)} ...\`.`;
  if (error instanceof CertificateMaterialError) return `The stored certificate cannot be used: ${error.message}`;
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  const signIn = /AADSTS\d+|AuthenticationError|CredentialUnavailableError|endpoints_resolution_error/.test(text);
  if (signIn) {
    const failure = explainTokenError(error);
    return `Signing in to Microsoft Entra failed${failure.code ? ` (${failure.code})` : ''}: ${failure.problem}\n  ${failure.message}\nWhat to do: ${failure.advice}`;
  }
  if (error instanceof GraphRequestError) {
    const answer = `Microsoft Graph answered ${error.status} ${error.code}: ${error.message}${error.requestId ? ` (request-id ${error.requestId})` : ''}`;
    if (error.isPermissionDenied) return `${answer}\nA permission is missing or was not consented: \`${again('test', dataDir)}\` names it and the admin-consent step that grants it.`;
    if (error.status === 404) return `${answer}\nCheck the id given, and the enterprise application (--app-id) of the connection.`;
    if (error.status === 429 || error.status >= 500) return `${answer}\nMicrosoft Graph is busy or unavailable (ScimDesk already retried as it asked); try again in a few minutes.`;
    return answer;
  }
  const tokenFailure = explainTokenError(error);
  if (tokenFailure.code === 'network' || tokenFailure.code === 'tls') return `${tokenFailure.problem} ${tokenFailure.message}\nWhat to do: ${tokenFailure.advice}`;
  return undefined;
}

// ---- main ---------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return EXIT.ok;
  }
  const allowed = COMMAND_OPTIONS[command];
  if (!allowed) throw new UsageError(`Unknown command "${command}"`);
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`);
  const stray = (Object.keys(values) as Array<keyof Values>).filter((name) => name !== 'data-dir' && name !== 'help' && !allowed.includes(name));
  if (stray.length > 0) throw new UsageError(`${command} does not take ${stray.map((name) => `--${name}`).join(', ')}`);

  const dataDir = resolve(values['data-dir'] ?? process.env['SCIMDESK_DATA_DIR'] ?? defaultDataDir());
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    throw new CommandError(`No ScimDesk data in ${dataDir}. Start the service once (\`npm run serve -- --data-dir ${JSON.stringify(dataDir)}\`), or pass the right --data-dir.`);
  }
  // The core without its listener: the store, the secret store and Compare & Fix, beside a running service if there is one.
  const core = await openDataFolder(dataDir);
  try {
    switch (command) {
      case 'connect':
        return await connect(core, values, dataDir);
      case 'test':
        return await test(core, values);
      case 'compare':
        return await compare(core, values, dataDir);
      case 'fix':
        return await fix(core, values, dataDir);
      case 'jobs':
        return await jobs(core, values);
      case 'restart':
        return await restart(core, values, dataDir);
      case 'snapshots':
        return await snapshots(core);
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof CommandError) throw error;
    if (error instanceof AdminApiError) {
      const code = error.code === 'conflict' || error.code === 'forbidden' ? EXIT.refused : error.code === 'invalidInput' ? EXIT.usage : EXIT.failed;
      const hint = error.reason === 'notConnected' ? `\n  ${again('connect', dataDir)} --tenant-id T --client-id C --client-secret-stdin` : '';
      throw new CommandError(`${error.message}${hint}`, code);
    }
    if (isAbortError(error)) throw new CommandError('Cancelled: nothing was saved.');
    const explained = explainGraphFailure(error, dataDir);
    if (explained) throw new CommandError(explained);
    throw error;
  } finally {
    await core.stop();
  }
}

// `npm run graph -- fix --list | head`: a closed pipe ends the output, not the command with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`Error: ${(error as Error).message}\n\n${USAGE}`);
      process.exit(EXIT.usage);
    }
    if (error instanceof CommandError) {
      console.error(`Error: ${error.message}`);
      process.exit(error.exitCode);
    }
    console.error('ScimDesk failed:', error instanceof Error ? error.message : error);
    process.exit(EXIT.failed);
  },
);
