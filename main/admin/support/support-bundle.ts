import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import type { MappingView } from '../../../shared/admin/mapping-schemas';
import type { SupportBundleFile } from '../../../shared/admin/support-schemas';
import type { StoredSyncLogEntry, SyncLogStore, TokenRecord } from '../../store/directory-store';
import { isGuid, maskValue, Redactor } from './redactor';

/**
 * The support bundle (issue 14): one redacted zip an administrator can send to support. It gathers
 * what ScimDesk shows on its screens (settings without secrets, schemas, token fingerprints, the
 * mapping diagnostics, the last comparison's counts, storage and the quarantine assessment) and the
 * sync log of the last provisioning cycles, and redacts everything through one Redactor.
 */

export const SUPPORT_BUNDLE_FORMAT = 'scimdesk-support-bundle/1';
export const DEFAULT_BUNDLE_CYCLES = 3;
/** The sync log's entries in one bundle at most (newest kept): an initial cycle over a big tenant is long. */
export const MAX_BUNDLE_LOG_ENTRIES = 20_000;

/** Where the bundle's parts come from; each may fail on its own (the bundle then says which part is missing and why). */
export interface SupportSources {
  /** `service` when the running service builds the bundle, `cli` when the command line opened the data folder. */
  readonly host: 'service' | 'cli';
  readonly now: () => Date;
  readonly directory: () => Promise<unknown>;
  readonly settings: () => Promise<unknown>;
  readonly graph: () => Promise<unknown>;
  readonly reach: () => Promise<unknown>;
  readonly extensions: () => Promise<unknown>;
  /** The /Schemas list as the SCIM endpoint serves it. */
  readonly scimSchemas: () => unknown;
  readonly tokens: () => Promise<ReadonlyArray<TokenRecord>>;
  /** The hashes the service verifies tokens with: only a hash of each goes in the bundle. */
  readonly activeTokenHashes: () => Promise<ReadonlyArray<{ readonly id: number; readonly hash: Buffer }>>;
  readonly mapping: () => Promise<MappingView>;
  /** The latest comparison's header (its rows never go in). */
  readonly compare: () => Promise<unknown>;
  /** The Overview: storage, quarantine, counts, provisioning state. */
  readonly overview: () => Promise<Record<string, unknown>>;
  readonly syncLog: Pick<SyncLogStore, 'querySyncLog'>;
}

export interface SupportBundleProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export interface SupportBundle {
  readonly fileName: string;
  readonly zip: Uint8Array;
  readonly files: ReadonlyArray<SupportBundleFile>;
  readonly entries: number;
  readonly cycles: number;
}

/** The app's version from the nearest package.json above this file (the checkout's, or the packaged app's). */
export function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'scimdesk' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/**
 * A token's fingerprint: a hash of the hash the service verifies with, so two bundles can be told
 * to name the same token while neither the token nor its verifying hash can be had from it.
 */
export function tokenFingerprint(verifyingHash: Buffer): string {
  return `sha256:${createHash('sha256').update('scimdesk support bundle token fingerprint\0').update(verifyingHash).digest('hex').slice(0, 16)}`;
}

const FILES: ReadonlyArray<Omit<SupportBundleFile, 'bytes'>> = [
  { name: 'manifest.json', what: 'What is inside, how it was redacted, the versions, the cycles covered, and any part that could not be read' },
  { name: 'settings.json', what: 'Directory, SCIM endpoint, retention, Graph connection and reachability (tunnel) settings, without secrets' },
  { name: 'schemas.json', what: "Admin-defined extension schemas and the SCIM endpoint's /Schemas" },
  { name: 'tokens.json', what: 'Token hints and fingerprints (a hash of the verifying hash), with their dates; never a token or its hash' },
  { name: 'diagnostics.json', what: 'The attribute-mapping model, its diagnostics and the provisioning cycles (personal values masked)' },
  { name: 'compare-summary.json', what: "The last Compare & Fix report's counts (no rows)" },
  { name: 'sync-log.ndjson', what: 'The sync log of the last provisioning cycles, one entry per line, with request and response detail (personal data masked)' },
  { name: 'storage.json', what: 'Disk, database, WAL and log files, the quarantine assessment, counts and provisioning state' },
  { name: 'README.txt', what: 'This explanation, for whoever opens the zip' },
];

const REDACTION_RULES = [
  'Secrets (tokens, token hashes, the Graph client secret or certificate password, tunnel authtokens, passwords) are never read into the bundle; any key that names a secret is removed wherever it appears.',
  'Tokens: only the hint (prefix and last four characters) and a fingerprint (the first 16 hex digits of a SHA-256 of the hash the service verifies with).',
  'SCIM request and response bodies: allow-list based. Protocol keys (schemas, id, meta, op, type, primary, active, status, scimType…) keep their values; every other string value is masked.',
  'Masking: an email keeps its first character and its domain (j***@contoso.com); any other value keeps its first character (J***).',
  'GUIDs (Entra object IDs, externalIds, ScimDesk ids) are kept: support matches identifiers with them.',
  'Free text (paths, filters, query strings, error messages, notes, diagnostics): URL-decoded, then every email address, every quoted value, home folder names, and every personal value seen elsewhere in the bundle are masked.',
  'A detail logged only in part (cut at the size limit) is masked as a whole.',
];

const README = (createdAt: string, cycles: string) => `ScimDesk support bundle, created ${createdAt}

This zip was made by ScimDesk's "Support bundle" action (Settings) or \`npm run support-bundle\`.
It is redacted: it holds no token, no token hash, no client secret, no tunnel secret, and no
personal data in the clear. ${cycles}

Files:
${FILES.map((f) => `  ${f.name.padEnd(22)} ${f.what}`).join('\n')}

How it was redacted:
${REDACTION_RULES.map((rule) => `  - ${rule}`).join('\n')}

Object IDs and externalIds that are GUIDs are kept on purpose: most provisioning problems are an
identifier that does not match, and support needs the identifiers to follow one record through.
`;

/** The last `cycles` provisioning cycles' start (or `cycles` hours back when the sync log shows none). */
function windowStart(view: MappingView | undefined, cycles: number, now: Date): { since: string; found: number; basis: 'cycles' | 'hours' } {
  const all = view?.cycles ?? [];
  if (all.length > 0) {
    const chosen = all.slice(-cycles);
    return { since: chosen[0]!.start, found: chosen.length, basis: 'cycles' };
  }
  return { since: new Date(now.getTime() - cycles * 3_600_000).toISOString(), found: 0, basis: 'hours' };
}

async function readLog(syncLog: SupportSources['syncLog'], since: string): Promise<{ entries: StoredSyncLogEntry[]; truncated: boolean }> {
  const entries: StoredSyncLogEntry[] = [];
  let beforeSeq: number | undefined;
  for (;;) {
    const want = Math.min(1000, MAX_BUNDLE_LOG_ENTRIES - entries.length);
    if (want === 0) {
      const more = await syncLog.querySyncLog({ since, limit: 1, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
      return { entries: entries.reverse(), truncated: more.length > 0 };
    }
    const page = await syncLog.querySyncLog({ since, limit: want, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    entries.push(...page);
    if (page.length < want) return { entries: entries.reverse(), truncated: false };
    beforeSeq = page[page.length - 1]!.seq;
  }
}

function parseDetail(detail: string | null): unknown {
  if (detail === null) return null;
  try {
    return JSON.parse(detail) as unknown;
  } catch {
    return { unreadable: maskValue(detail) };
  }
}

/** Builds the bundle: gathers every part (a failed part is named in the manifest), redacts, zips. */
export async function buildSupportBundle(sources: SupportSources, cycles: number, progress: (step: SupportBundleProgress) => void = () => undefined): Promise<SupportBundle> {
  const now = sources.now();
  const createdAt = now.toISOString();
  const unavailable: Array<{ part: string; reason: string }> = [];
  const steps = 5;
  const step = (done: number, phase: string, message: string) => progress({ phase, done, total: steps, message });
  const read = async <T>(part: string, get: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await get();
    } catch (error) {
      unavailable.push({ part, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };

  step(0, 'settings', 'Reading settings, schemas and tokens');
  const [directory, settings, graph, reach, extensions, scimSchemas, tokens, hashes] = [
    await read('directory', sources.directory),
    await read('settings', sources.settings),
    await read('graph', sources.graph),
    await read('reachability', sources.reach),
    await read('extensions', sources.extensions),
    await read('scimSchemas', sources.scimSchemas),
    await read('tokens', sources.tokens),
    await read('tokenFingerprints', sources.activeTokenHashes),
  ];
  step(1, 'diagnostics', 'Running the mapping diagnostics');
  const mapping = await read('diagnostics', sources.mapping);
  const compare = await read('compareSummary', sources.compare);
  const overview = await read('storage', sources.overview);

  step(2, 'syncLog', 'Reading the sync log of the last cycles');
  const window = windowStart(mapping, cycles, now);
  const log = (await read('syncLog', () => readLog(sources.syncLog, window.since))) ?? { entries: [], truncated: false };

  step(3, 'redacting', `Redacting ${log.entries.length.toLocaleString('en-US')} sync-log entries`);
  const redactor = new Redactor();
  // First every personal value the bundle will hold, so each is also masked where free text repeats it.
  for (const entry of log.entries) {
    for (const value of [entry.userName, entry.displayName, isGuid(entry.externalId ?? '') ? null : entry.externalId]) if (value) redactor.remember(value);
    redactor.collect(parseDetail(entry.detail));
  }
  for (const diagnostic of mapping?.diagnostics ?? []) for (const record of diagnostic.sample) [record.name, record.value].forEach((v) => v && redactor.remember(v));

  const fingerprints = new Map((hashes ?? []).map((h) => [h.id, tokenFingerprint(h.hash)]));
  const tokenFile = {
    note: 'Hints and fingerprints only. A fingerprint is the first 16 hex digits of a SHA-256 of the hash the service verifies with: it tells whether two bundles name the same token, and nothing more. Revoked and expired tokens have none.',
    tokens: (tokens ?? []).map((t) => ({ hint: t.hint, fingerprint: fingerprints.get(t.id) ?? null, created: t.created, expires: t.expires, lastUsed: t.lastUsed, revoked: t.revoked })),
  };
  const summary = compare as Record<string, unknown> | null | undefined;
  const compareFile = summary
    ? {
        id: summary['id'],
        generatedAt: summary['generatedAt'],
        source: summary['source'],
        compared: summary['compared'],
        counts: summary['counts'],
        changedSincePrevious: summary['changedSincePrevious'],
      }
    : {
        report: null,
        note:
          compare !== null
            ? 'The last report could not be read (see manifest.json).'
            : sources.host === 'service'
              ? 'No comparison has been run since the service started.'
              : "Comparisons are kept in the running service's memory: a bundle from the admin UI (Settings › Support bundle) includes the last one.",
      };
  const storageFile = overview
    ? {
        storage: overview['storage'],
        quarantine: overview['quarantine'],
        counts: overview['counts'],
        provisioning: overview['provisioning'],
        endpoint: overview['endpoint'],
        lastActivity: overview['lastActivity'],
        last24h: overview['last24h'],
      }
    : null;
  const logLines = log.entries.map((entry) =>
    JSON.stringify({
      seq: entry.seq,
      time: entry.time,
      requestId: entry.requestId,
      method: entry.method,
      path: redactor.text(entry.path),
      operation: entry.operation,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      userName: entry.userName === null ? null : maskValue(entry.userName),
      externalId: entry.externalId === null ? null : maskValue(entry.externalId),
      displayName: entry.displayName === null ? null : maskValue(entry.displayName),
      status: entry.status,
      durationMs: entry.durationMs,
      scimType: entry.scimType,
      error: entry.error === null ? null : redactor.text(entry.error),
      client: entry.client,
      adscimVersion: entry.adscimVersion,
      count: entry.count ?? 1,
      lastTime: entry.lastTime ?? null,
      detail: redactor.scim(parseDetail(entry.detail)),
    }),
  );
  const settingsFile = redactor.view({ directory: directory ?? null, endpoint: settings ?? null, graph: graph ?? null, reachability: reach ?? null });
  const schemasFile = redactor.view({ extensions: extensions ?? null, scimSchemas: scimSchemas ?? null });
  const diagnosticsFile = redactor.view(mapping ?? null);
  const compareOut = redactor.view(compareFile);
  const storageOut = redactor.view(storageFile);

  const memory = process.memoryUsage();
  const cycleText =
    window.basis === 'cycles'
      ? `The sync log covers the last ${window.found} provisioning cycle(s) (${cycles} asked for), from ${window.since}: ${log.entries.length} entries${log.truncated ? ` (the newest ${MAX_BUNDLE_LOG_ENTRIES.toLocaleString('en-US')} only)` : ''}.`
      : `The sync log shows no provisioning cycle, so it covers the last ${cycles} hour(s), from ${window.since}: ${log.entries.length} entries.`;
  const manifest = {
    format: SUPPORT_BUNDLE_FORMAT,
    createdAt,
    app: { name: 'ScimDesk', version: appVersion(), builtBy: sources.host },
    runtime: { node: process.versions.node, electron: process.versions['electron'] ?? null, os: osType(), platform: platform(), release: release(), arch: arch(), cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 1048576) },
    process: { note: sources.host === 'service' ? 'the running service' : 'the command that built this bundle (the service may run beside it)', rssMb: Math.round(memory.rss / 1048576), heapUsedMb: Math.round(memory.heapUsed / 1048576), uptimeSeconds: Math.round(process.uptime()) },
    syncLog: { cyclesRequested: cycles, cyclesFound: window.found, basis: window.basis, since: window.since, entries: log.entries.length, truncated: log.truncated, maxEntries: MAX_BUNDLE_LOG_ENTRIES },
    files: FILES,
    redaction: { rules: REDACTION_RULES, personalValuesRemembered: redactor.rememberedValues, ...redactor.counts },
    unavailable: unavailable.map((u) => ({ part: u.part, reason: redactor.text(u.reason) })),
  };

  step(4, 'zipping', 'Writing the zip');
  const json = (value: unknown) => strToU8(JSON.stringify(value, null, 2) + '\n');
  const contents: Record<string, Uint8Array> = {
    'manifest.json': json(manifest),
    'settings.json': json(settingsFile),
    'schemas.json': json(schemasFile),
    'tokens.json': json(tokenFile),
    'diagnostics.json': json(diagnosticsFile),
    'compare-summary.json': json(compareOut),
    'sync-log.ndjson': strToU8(logLines.join('\n') + (logLines.length > 0 ? '\n' : '')),
    'storage.json': json(storageOut),
    'README.txt': strToU8(README(createdAt, cycleText).replace(/\n/g, '\r\n')),
  };
  const zip = zipSync(Object.fromEntries(Object.entries(contents).map(([name, data]) => [name, [data, { mtime: now }]])), { level: 6 });
  step(5, 'done', `Support bundle ready: ${Math.round(zip.length / 1024)} KB`);
  const stamp = createdAt.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  return {
    fileName: `scimdesk-support-${stamp}.zip`,
    zip,
    files: FILES.map((f) => ({ ...f, bytes: contents[f.name]!.length })),
    entries: log.entries.length,
    cycles: window.found,
  };
}
