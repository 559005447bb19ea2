import { z } from 'zod';
import { CHANGE_TYPES } from './change-types';

export { CHANGE_TYPES, type ChangeType, type DirectoryChange } from './change-types';

const isoTime = z.string();
const subscriptionId = z.string().regex(/^sub_[0-9a-f]{16}$/, 'Not a subscription id (sub_…)');

export const ChangeTypeSchema = z.enum(CHANGE_TYPES);

/** Failed attempts in a row after which a subscription is paused, unless its subscriber chose otherwise. */
export const DEFAULT_PAUSE_AFTER = 12;
/** The most failed attempts in a row a subscription may wait before it is paused. */
export const MAX_PAUSE_AFTER = 1000;

/** A webhook subscription as the Delivery screen shows it: the secret masked, its health at a glance. */
export const SubscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(ChangeTypeSchema).nullable(),
  filter: z
    .object({ resourceTypes: z.array(z.enum(['User', 'Group'])).optional(), attributes: z.array(z.string()).optional() })
    .nullable(),
  secretHint: z.string(),
  /** Failed attempts in a row after which the worker pauses it. */
  pauseAfter: z.number().int(),
  created: isoTime,
  deliveredSeq: z.number().int(),
  inflightTo: z.number().int().nullable(),
  paused: isoTime.nullable(),
  pauseReason: z.string().nullable(),
  failures: z.number().int(),
  nextAttempt: isoTime.nullable(),
  lastError: z.string().nullable(),
  lastSuccess: isoTime.nullable(),
  behind: z.number().int(),
  health: z.enum(['caughtUp', 'behind', 'retrying', 'paused']),
});
export type SubscriptionView = z.infer<typeof SubscriptionView>;

/** One POST to a receiver, or a test event. */
export const DeliveryAttemptView = z.object({
  seq: z.number().int(),
  time: isoTime,
  messageId: z.string(),
  fromSeq: z.number().int().nullable(),
  toSeq: z.number().int().nullable(),
  count: z.number().int(),
  outcome: z.enum(['delivered', 'failed', 'test']),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
});
export type DeliveryAttemptView = z.infer<typeof DeliveryAttemptView>;

export const ReadCredentialView = z.object({
  id: z.number().int(),
  name: z.string(),
  hint: z.string(),
  created: isoTime,
  revoked: isoTime.nullable(),
  lastUsed: isoTime.nullable(),
  ackedSeq: z.number().int(),
});
export type ReadCredentialView = z.infer<typeof ReadCredentialView>;

export const DeliveryView = z.object({
  subscriptions: z.array(SubscriptionView),
  credentials: z.array(ReadCredentialView),
  outbox: z.object({ head: z.number().int(), oldest: z.number().int(), kept: z.number().int() }),
  /** The change feed's URL on the SCIM listener, when it listens. */
  feedUrl: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const SubscribeInput = z
  .object({
    url: z.string().trim().min(1, 'Enter the receiver URL').max(2000),
    /** `whsec_` + base64; generated when left out. */
    secret: z.string().max(200).optional(),
    /** Failed attempts in a row after which the worker pauses it (DEFAULT_PAUSE_AFTER when left out); set when subscribing only. */
    pauseAfter: z.number().int().min(1).max(MAX_PAUSE_AFTER).optional(),
    events: z.array(ChangeTypeSchema).max(CHANGE_TYPES.length).optional(),
    resourceTypes: z.array(z.enum(['User', 'Group'])).max(2).optional(),
    attributes: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .strict();

export const SubscriptionIdInput = z.object({ id: subscriptionId }).strict();
export const ReplayInput = z.object({ id: subscriptionId, fromSeq: z.number().int().min(1) }).strict();
export const DeliveryLogInput = z.object({ id: subscriptionId, limit: z.number().int().min(1).max(1000).default(50) }).strict();
export const IssueCredentialInput = z.object({ name: z.string().trim().min(1, 'Name the system that reads').max(100) }).strict();
export const RevokeCredentialInput = z.object({ id: z.number().int().min(1) }).strict();
