import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cliActor } from '../os-account';
import { basename } from 'node:path';
import type { Core } from '../../core/create-core';
import { buildFixPlan, type FixPlan } from '../../reconcile/fix-plan';
import { StoreConflictError } from '../../store/store-errors';
import { plural } from '../../../shared/plural';
import { PLAN_FORMAT, fromReportJson, readPlanFile } from './report-file';
import { EXIT, UsageError, type SpellGraph, type Values, again, call, list } from './cli-support';

/** `fix`: a plan from a report file (dry run or apply in one transaction), `--undo` and `--list`. */

export function describePlan(plan: FixPlan, source: string): string[] {
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

export async function fix(core: Core, values: Values, dataDir: string, spell: SpellGraph): Promise<number> {
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
  const { report: json, approve: approvedInFile } = readPlanFile(file, spell);
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
    console.log(`\nDry run: nothing was written.${plan.actions.length > 0 ? ` Apply with: ${again(spell, `fix --plan ${JSON.stringify(file)} --apply${approveFlag}`, dataDir)}` : ''}`);
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
    console.log(`Undo it with: ${again(spell, `fix --undo ${batch.id}`, dataDir)}`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    const lines = [`\nRefused: ${error.message}. Records changed since the report:`];
    for (const conflict of error.conflicts) lines.push(`  - ${conflict}`);
    lines.push(`Compare again (${again(spell, 'compare --out FILE', dataDir)}) and build the plan from the new report.`);
    console.error(lines.join('\n'));
    return EXIT.refused;
  }
}
