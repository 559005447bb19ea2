import { Readable } from 'node:stream';
import type Koa from 'koa';
import type { DirectoryChange } from '../../shared/admin/change-types';
import type { ReadCredentialService } from '../lib/read-credentials';
import type { DeliveryStore } from '../store/directory-store';
import type { AuthThrottle } from './auth-throttle';

/** The path of the change feed on the SCIM listener, beside /scim/v2. */
export const FEED_PATH = '/feed';
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;
/** NDJSON streams in pages of this many changes, so a consumer far behind never has one huge read in memory. */
const STREAM_PAGE = 1000;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export interface FeedRouteOptions {
  readonly readers: Pick<ReadCredentialService, 'verify' | 'acknowledge'>;
  readonly outbox: Pick<DeliveryStore, 'readChanges' | 'outboxBounds'>;
  readonly throttle: AuthThrottle;
}

/** A JSON error of the feed: `error` a stable code, `message` what to do. */
function answer(ctx: Koa.Context, status: number, body: Record<string, unknown>): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = body;
}

function integer(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * `GET /feed?after=<seq>&limit=N`: the committed changes after a sequence number, in order, for a
 * read-only credential. JSON (`{ changes, next, head }`) by default; NDJSON, streamed, with
 * `Accept: application/x-ndjson` or `format=ndjson`. A consumer whose `after` was already pruned by
 * retention gets 410 with what to do (resynchronise from a full read). Reading after a number
 * acknowledges everything up to it: retention keeps the rest for this consumer.
 */
export function createFeedRoute(options: FeedRouteOptions): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== FEED_PATH) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET');
      return answer(ctx, 405, { error: 'methodNotAllowed', message: 'The feed is read with GET' });
    }
    const presented = BEARER.exec(String(ctx.headers.authorization ?? ''))?.[1];
    const credential = await options.readers.verify(presented);
    if (credential === undefined) {
      const wait = options.throttle.refuse(ctx.ip);
      if (wait !== undefined) {
        ctx.set('Retry-After', String(wait));
        return answer(ctx, 429, { error: 'throttled', message: `Too many requests with a missing or wrong credential: try again in ${wait} seconds` });
      }
      ctx.set('WWW-Authenticate', 'Bearer realm="ScimDesk feed"');
      return answer(ctx, 401, {
        error: 'unauthorized',
        message: 'Send a read-only credential (scimdeskread_…) as "Authorization: Bearer <credential>"; the Secret Token Entra uses is not accepted here',
      });
    }
    const after = integer(ctx.query['after']);
    const limitText = ctx.query['limit'];
    const limit = limitText === undefined ? DEFAULT_LIMIT : integer(limitText);
    if (after === undefined) return answer(ctx, 400, { error: 'badRequest', message: 'after=<sequence number> is required (0 to start from the oldest kept change)' });
    if (limit === undefined || limit < 1 || limit > MAX_LIMIT) return answer(ctx, 400, { error: 'badRequest', message: `limit must be between 1 and ${MAX_LIMIT}` });
    const bounds = await options.outbox.outboxBounds();
    // after = 0 from a consumer that never read: fine while nothing was pruned yet.
    if (after < bounds.oldest - 1) {
      return answer(ctx, 410, {
        error: 'behindRetention',
        message:
          `Changes after ${after} are no longer kept (the oldest kept is ${bounds.oldest}). Resynchronise from a full read: ` +
          `note head (${bounds.head}), read every user and group (GET /scim/v2/Users and /scim/v2/Groups with the same credential), then read the feed after that head.`,
        oldest: bounds.oldest,
        head: bounds.head,
      });
    }
    await options.readers.acknowledge(credential, after);
    const ndjson = ctx.query['format'] === 'ndjson' || /application\/x-ndjson/i.test(String(ctx.headers.accept ?? ''));
    if (ndjson) {
      ctx.status = 200;
      ctx.type = 'application/x-ndjson';
      ctx.body = Readable.from(streamChanges(options.outbox, after, limit));
      return;
    }
    const changes = await options.outbox.readChanges(after, limit);
    const last = changes[changes.length - 1];
    answer(ctx, 200, { changes, next: last?.seq ?? after, head: bounds.head });
  };
}

async function* streamChanges(outbox: Pick<DeliveryStore, 'readChanges'>, after: number, limit: number): AsyncGenerator<string> {
  let position = after;
  for (let sent = 0; sent < limit; ) {
    const page: ReadonlyArray<DirectoryChange> = await outbox.readChanges(position, Math.min(STREAM_PAGE, limit - sent));
    if (page.length === 0) return;
    yield page.map((change) => JSON.stringify(change) + '\n').join('');
    sent += page.length;
    position = page[page.length - 1]!.seq;
  }
}
