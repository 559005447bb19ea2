import type { Core } from '../../core/create-core';
import { RECOMMENDED_RESET_SCOPE, RESET_SCOPE_MEANING, RESET_SCOPES, ResetScopeRefusedError, toResetScope, type ResetScope } from '../../graph/reset-scope';
import { plural } from '../../../shared/plural';
import { EXIT, UsageError, type SpellGraph, type Values, again, call, list } from './cli-support';

/** The Entra-side commands: `jobs`, `restart` (wiping scopes only with --insist) and `snapshots`. */

export async function jobs(core: Core, values: Values): Promise<number> {
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

export async function restart(core: Core, values: Values, dataDir: string, spell: SpellGraph): Promise<number> {
  const jobId = values['job-id'];
  if (!jobId) throw new UsageError(`restart needs --job-id (\`${again(spell, 'jobs', dataDir)}\` lists the jobs)`);
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
      `Nothing was sent to Entra. Add --insist only if you mean it (fix the identifiers first: ${again(spell, 'compare', dataDir)}),`,
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

export async function snapshots(core: Core, spell: SpellGraph): Promise<number> {
  const found = (await call(core, 'graph.snapshots', {})).items;
  if (found.length === 0) console.log(`No snapshots yet: \`${spell('compare')}\` fetches one.`);
  for (const s of found) console.log(`${s.id}  ${s.label}: ${plural(s.users, 'user')}, ${plural(s.groups, 'group')}${s.scopeKnown ? '' : ', scope unknown'}`);
  return EXIT.ok;
}
