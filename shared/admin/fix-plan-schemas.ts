import { z } from 'zod';
import { Candidate, ReportKind } from './report-schemas';

/**
 * The fix plan built from a comparison report (main/reconcile/fix-plan.ts), defined once:
 * the plan builds plain objects of these types; the admin contract checks them.
 */

/** One externalId change. `from` is what the record must still hold when the plan is applied. */
export const FixAction = z.object({
  kind: z.enum(['link', 'unlink']),
  resourceType: ReportKind,
  localId: z.string(),
  name: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  reason: z.string(),
});
export type FixAction = z.infer<typeof FixAction>;

/** An included row the plan will not change, and why (a safety rule said no); `to`: the objectId it would have linked to, if any. */
export const RefusedAction = FixAction.omit({ kind: true });
export type RefusedAction = z.infer<typeof RefusedAction>;

/** A link the admin must approve row by row (medium or low confidence, e.g. mail alone). */
export const ApprovalNeeded = RefusedAction.extend({ to: z.string(), candidate: Candidate });
export type ApprovalNeeded = z.infer<typeof ApprovalNeeded>;

/** An included row that needs no change (or none the plan can make). */
export const LeftAsIs = FixAction.pick({ resourceType: true, localId: true, name: true, reason: true });
export type LeftAsIs = z.infer<typeof LeftAsIs>;

export const FixPlanSummary = z.object({
  link: z.number().int(),
  unlink: z.number().int(),
  refused: z.number().int(),
  needsApproval: z.number().int(),
  left: z.number().int(),
});
export type FixPlanSummary = z.infer<typeof FixPlanSummary>;

export const FixPlan = z.object({
  id: z.string(),
  createdAt: z.string(),
  /** generatedAt of the report the plan was built from. */
  reportGeneratedAt: z.string(),
  actions: z.array(FixAction).readonly(),
  refused: z.array(RefusedAction).readonly(),
  needsApproval: z.array(ApprovalNeeded).readonly(),
  left: z.array(LeftAsIs).readonly(),
  summary: FixPlanSummary,
});
export type FixPlan = z.infer<typeof FixPlan>;
