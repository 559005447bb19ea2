import { randomUUID } from 'node:crypto';
import Router, { type RouterContext } from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { SCIM_CONTENT_TYPE } from '../../shared/scim/urns';
import { CHECK_KEY_PREFIX, CHECK_USERNAME, type CheckKey } from '../lib/check-key';
import type { SyncLogWriter } from '../lib/sync-log-writer';
import type { TokenService } from '../lib/scim-token';
import { ACCESS_TOKEN_PREFIX } from '../lib/access-tokens';
import type { OAuthTokenService } from '../lib/oauth-token-service';
import type { ResourceKind } from '../scim/schema/attribute-def';
import { isScimError, ScimError } from '../scim/scim-error';
import { newTrace, type RequestTrace } from '../scim/request-trace';
import type { ScimRequest, ScimResponse, ScimService } from '../scim/scim-service';
import type { ReadCredentialService } from '../lib/read-credentials';
import type { DeliveryStore } from '../store/directory-store';
import { AuthThrottle } from './auth-throttle';
import { createFeedRoute } from './feed-route';
import { MAX_JSON_DEPTH, readJsonBody } from './read-json-body';
import { scimErrorBody, storeErrorToScim } from './scim-error-body';
import { REDACTED, redactPasswords } from '../scim/resource/redact-passwords';

export interface ScimAppOptions {
  readonly service: ScimService;
  /** The bearer-token check (cached; a hash compared in constant time). */
  readonly tokens: Pick<TokenService, 'verify' | 'verifyCached'>;
  /** ScimDesk's own key for the check from outside: it opens the Test Connection query for a check userName, nothing else. */
  readonly checkKey?: Pick<CheckKey, 'verify'>;
  /** The OAuth access tokens of the token endpoint (client credentials, workload identity federation): signed, checked from memory. */
  readonly accessTokens?: Pick<OAuthTokenService, 'checkCached' | 'check'>;
  /** Where every request is recorded (batched, off the request path; refused ones summed up per address). */
  readonly syncLog: Pick<SyncLogWriter, 'record' | 'refused'>;
  /** Failed authentication per client address: when it must wait (429). Defaults to DEFAULT_AUTH_THROTTLE on the app's clock. */
  readonly authThrottle?: AuthThrottle;
  /** Largest accepted request body; larger ones get 413. */
  readonly bodyLimitBytes?: number;
  /** The public base URL (e.g. a tunnel's https URL) used in meta.location; the request's own origin otherwise. */
  readonly publicUrl?: () => string | undefined;
  /** The core's clock, for the sync log's timestamps (retention uses the same clock). */
  readonly now?: () => Date;
  readonly logger?: Logger;
  /**
   * While it answers a number, provisioning is paused by the administrator: every routed SCIM request
   * gets 503 with that Retry-After (seconds) and a SCIM error body, and nothing is written.
   */
  readonly pausedRetryAfter?: () => number | undefined;
  /** Read-only credentials (SCIM GET and the change feed at /feed); without them neither is open to them. */
  readonly readCredentials?: Pick<ReadCredentialService, 'verify' | 'acknowledge'>;
  /** The change outbox the feed reads. */
  readonly outbox?: Pick<DeliveryStore, 'readChanges' | 'outboxBounds'>;
}

/** SCIM is served under both prefixes: Entra admins paste either as the Tenant URL. */
export const SCIM_PREFIXES = ['/scim/v2', '/scim'] as const;

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const BEARER = /^Bearer\s+(\S+)\s*$/i;
const UNAUTHORIZED = {
  missing: 'No bearer token: send the Secret Token as "Authorization: Bearer <token>"',
  invalid: 'The bearer token is not valid: it is wrong, or was revoked or regenerated',
  expired: 'The bearer token has expired: generate a new one and update Entra',
  accessExpired: 'The access token has expired: ask the token endpoint for a new one',
  accessRevoked: 'The access token was issued to an OAuth client that is revoked or no longer configured',
} as const;
const DETAIL_LIMIT = 32 * 1024;
const PAUSED =
  'Provisioning is paused by the ScimDesk administrator: nothing is written until it is resumed. Entra retries failed operations in its later cycles.';
const CHECK_FILTER = /^userName eq "([^"]*)"$/;

/** Whether a request is the check from outside's probe: `GET /Users?filter=userName eq "scimdesk-check-<GUID>"` and nothing more. */
function isCheckProbe(method: string, path: string, prefix: string, query: Record<string, unknown>): boolean {
  if (method !== 'GET' || path !== `${prefix}/Users`) return false;
  const keys = Object.keys(query);
  const filter = query['filter'];
  if (keys.length !== 1 || typeof filter !== 'string') return false;
  const userName = CHECK_FILTER.exec(filter.trim())?.[1];
  return userName !== undefined && CHECK_USERNAME.test(userName);
}
/** The part of a refused request's path kept in the sync log. */
const REFUSED_PATH_LIMIT = 200;

interface ScimState {
  requestId: string;
  trace: RequestTrace;
  body: unknown;
  prefix: string;
  tokenPresented: boolean;
  /** Let in by ScimDesk's check key (the check from outside), not the Secret Token. */
  checkProbe: boolean;
  /** The token was missing or wrong: recorded as a refusal, summed up per address. */
  refused: boolean;
  /** Which credential let the request in, or which check refused it (the sync log's `auth`); never the credential. */
  auth: Record<string, unknown> | undefined;
  error: { scimType: string | null; detail: string } | undefined;
}

type Ctx = Koa.ParameterizedContext<ScimState, RouterContext<ScimState>>;

/** Deeper than the body reader lets through: what the redaction meets below this is cut, not walked. */
const REDACT_DEPTH = MAX_JSON_DEPTH + 1;

/** Query parameters that may carry a credential (RFC 6750 §2.3 allows `access_token`); never logged. */
const SECRET_QUERY = /^(access_token|token|code|password|secret|client_secret)$/i;

function redactQuery(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).map(([key, value]) => [key, SECRET_QUERY.test(key) ? REDACTED : value]));
}

/** What went back, in short: status, the identifiers a client keeps (Location, ETag), and an error body. */
function responseSummary(ctx: Koa.ParameterizedContext<ScimState>): Record<string, unknown> {
  const location = ctx.response.get('Location');
  const etag = ctx.response.get('ETag');
  return {
    status: ctx.status,
    ...(location ? { location } : {}),
    ...(etag ? { etag } : {}),
    ...(ctx.status >= 400 && ctx.body !== undefined ? { body: ctx.body } : {}),
  };
}

function detailJson(state: ScimState, query: Record<string, unknown>, clientRequestId: string | undefined, response: Record<string, unknown>): string | null {
  const detail: Record<string, unknown> = { response };
  if (state.auth) detail['auth'] = state.auth;
  if (Object.keys(query).length > 0) detail['query'] = redactQuery(query);
  if (state.body !== undefined) detail['request'] = redactPasswords(state.body, REDACT_DEPTH);
  if (state.trace.normalized !== undefined) detail['normalized'] = state.trace.normalized;
  if (state.trace.filterAsRead !== undefined) detail['filterAsRead'] = state.trace.filterAsRead;
  if (state.trace.notes.length > 0) detail['notes'] = state.trace.notes;
  if (state.trace.ignored.length > 0) detail['ignoredAttributes'] = [...new Set(state.trace.ignored)];
  if (state.trace.pendingMembers.length > 0) detail['pendingMembers'] = state.trace.pendingMembers;
  if (state.trace.joinedGroups.length > 0) detail['joinedGroups'] = state.trace.joinedGroups;
  if (clientRequestId) detail['clientRequestId'] = clientRequestId;
  if (state.checkProbe) detail['checkFromOutside'] = "ScimDesk's check from outside, let in by its check key (not the Secret Token)";
  const text = JSON.stringify(detail);
  return text.length > DETAIL_LIMIT ? JSON.stringify({ truncated: true, head: text.slice(0, DETAIL_LIMIT) }) : text;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Longest header value kept in the sync log: Entra's ADSCIMVersion is a short date and activity id. */
const CLIENT_HEADER_LIMIT = 200;

/**
 * Entra's provisioning service names itself with an ADSCIMVersion header (other SCIM products detect
 * Entra by it); kept so the sync log and the setup checklist can tell Entra from a curl. Present but
 * empty still counts as present.
 */
function clientHeader(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, CLIENT_HEADER_LIMIT);
}

/**
 * The SCIM 2.0 endpoint as a Koa app, without opening a port (tests drive
 * `app.callback()`). Order matters: the sync-log recorder wraps everything so
 * it sees the final status; the error handler comes next so every failure,
 * including a bad token or a bad body, answers with a SCIM error body.
 */
export function createScimApp(options: ScimAppOptions): Koa<ScimState> {
  const { service, tokens, syncLog } = options;
  const now = options.now ?? (() => new Date());
  const throttle = options.authThrottle ?? new AuthThrottle(() => now().getTime());
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const app = new Koa<ScimState>();
  app.proxy = false;
  app.silent = true;
  // The change feed answers in JSON, outside the SCIM error handling and the sync log of Entra's requests.
  if (options.readCredentials && options.outbox) app.use(createFeedRoute({ readers: options.readCredentials, outbox: options.outbox, throttle }));

  const fail = (ctx: Koa.ParameterizedContext<ScimState>, thrown: unknown) => {
    const error = storeErrorToScim(thrown) ?? thrown;
    let status = 500;
    let scimType: string | undefined;
    let detail: string;
    if (isScimError(error)) {
      status = error.status;
      scimType = error.scimType;
      detail = error.detail;
      if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.retryAfterSeconds));
    } else if (typeof (error as { status?: unknown }).status === 'number' && (error as { expose?: boolean }).expose) {
      // Koa/router HTTP errors keep their status.
      status = (error as { status: number }).status;
      detail = (error as Error).message;
    } else {
      detail = `Internal error; the ScimDesk log has the details under request id ${ctx.state.requestId}`;
      options.logger?.error({ err: error, requestId: ctx.state.requestId }, 'unhandled error in a SCIM request');
    }
    ctx.state.error = { scimType: scimType ?? null, detail };
    ctx.status = status;
    ctx.type = SCIM_CONTENT_TYPE;
    ctx.body = scimErrorBody(status, scimType, detail);
    // The client may still be sending the oversized body: this connection cannot carry another request.
    if (status === 413) ctx.set('Connection', 'close');
    // RFC 6750 §3: no error code when the request carried no token at all.
    if (status === 401) ctx.set('WWW-Authenticate', ctx.state.tokenPresented ? 'Bearer realm="ScimDesk", error="invalid_token"' : 'Bearer realm="ScimDesk"');
  };

  /**
   * One middleware around the routes, in this order: request id and timing; path clean-up;
   * bearer token and body for SCIM paths; the SCIM error body for anything that fails or that
   * the router leaves unanswered; the sync-log entry, which sees the final status. One async
   * frame instead of four: this runs on every request Entra sends.
   */
  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const state = ctx.state;
    state.requestId = requestId;
    state.trace = newTrace('unknown');
    state.checkProbe = false;
    state.refused = false;
    state.auth = undefined;
    ctx.set('X-Request-Id', requestId);
    try {
      // Tenant URLs pasted with a trailing slash make Entra call `/scim//Users`.
      if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
      const path = ctx.path;
      const prefix = SCIM_PREFIXES.find((p) => path === p || path.startsWith(p + '/'));
      if (prefix) {
        state.prefix = prefix;
        const header = headerValue(ctx.headers.authorization) ?? '';
        state.tokenPresented = header !== '';
        const presented = BEARER.exec(header)?.[1];
        // Issue 16: an OAuth access token (client credentials or federation) or the Secret Token; the sync log says which.
        const access = options.accessTokens && presented?.startsWith(ACCESS_TOKEN_PREFIX) ? (options.accessTokens.checkCached(presented) ?? (await options.accessTokens.check(presented))) : undefined;
        const check = access
          ? access.ok
            ? ({ ok: true, tokenId: 0 } as const)
            : ({ ok: false, reason: access.reason === 'expired' ? 'accessExpired' : access.reason === 'revoked' ? 'accessRevoked' : 'invalid' } as const)
          : (tokens.verifyCached(presented) ?? (await tokens.verify(presented)));
        state.auth = access
          ? access.ok
            ? { method: access.claims.method, clientId: access.claims.clientId }
            : { method: 'accessToken', failedCheck: access.reason }
          : check.ok
            ? { method: 'secretToken', tokenId: check.tokenId }
            : { method: 'secretToken', failedCheck: check.reason };
        // A read-only credential (its own prefix) reads and never writes: 403 for anything but GET.
        const reader = !check.ok && access === undefined && options.readCredentials !== undefined ? await options.readCredentials.verify(presented) : undefined;
        if (reader !== undefined) {
          state.auth = { method: 'readCredential', credentialId: reader };
          if (ctx.method !== 'GET') {
            state.trace.operation = 'readOnly';
            throw new ScimError(403, undefined, 'This is a read-only credential: it reads users, groups and the change feed, and never writes');
          }
        }
        if (!check.ok && reader === undefined) {
          const probe =
            options.checkKey !== undefined &&
            presented?.startsWith(CHECK_KEY_PREFIX) === true &&
            isCheckProbe(ctx.method, path, prefix, ctx.query as Record<string, unknown>) &&
            (await options.checkKey.verify(presented));
          if (!probe) {
            state.refused = true;
            state.trace.operation = 'refused';
            // Only after the token was found wrong: a valid token is never throttled, whatever its address did.
            const wait = throttle.refuse(ctx.ip);
            if (wait !== undefined) {
              throw new ScimError(429, undefined, `Too many requests with a missing or wrong token from this address: try again in ${wait} seconds`, wait);
            }
            throw new ScimError(401, undefined, UNAUTHORIZED[check.reason]);
          }
          state.checkProbe = true;
          state.auth = { method: 'checkKey' };
        }
        if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH') state.body = await readJsonBody(ctx.req, bodyLimit);
      }
      await next();
      // The router answers unknown paths (404) and wrong methods (405, with its Allow header) without a body.
      if ((ctx.status === 404 || ctx.status === 405 || ctx.status === 501) && (ctx.body === undefined || ctx.body === null)) {
        const status = ctx.status;
        const detail =
          status === 404
            ? `No SCIM endpoint at ${ctx.method} ${ctx.path}`
            : status === 405
              ? `${ctx.method} is not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow') || 'none'}`
              : `${ctx.method} ${ctx.path} is not implemented`;
        fail(ctx, new ScimError(status, undefined, detail));
      }
    } catch (error) {
      fail(ctx, error);
    } finally {
      // The answer is decided (and a write committed): recording it must not be able to change it.
      try {
        const trace = state.trace;
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        const entry = {
          time: now().toISOString(),
          requestId,
          method: ctx.method,
          path: ctx.path,
          operation: trace.operation,
          resourceType: trace.resourceType,
          resourceId: trace.resourceId,
          userName: trace.userName,
          externalId: trace.externalId,
          displayName: trace.displayName,
          status: ctx.status,
          durationMs: Math.round(durationMs * 1000) / 1000,
          scimType: state.error?.scimType ?? null,
          error: state.error?.detail ?? null,
          client: [ctx.ip, headerValue(ctx.headers['user-agent'])].filter(Boolean).join(' ') || null,
          adscimVersion: clientHeader(headerValue(ctx.headers['adscimversion'])),
        };
        if (state.refused) {
          // Neither query nor body of a refused request: a flood of wrong tokens with 15 KB filters once filled the disk.
          syncLog.refused({ ...entry, path: entry.path.slice(0, REFUSED_PATH_LIMIT), detail: JSON.stringify({ response: responseSummary(ctx), ...(state.auth ? { auth: state.auth } : {}) }) }, ctx.ip);
        } else {
          let detail: string | null;
          try {
            detail = detailJson(state, ctx.query as Record<string, unknown>, headerValue(ctx.headers['client-request-id']), responseSummary(ctx));
          } catch (error) {
            options.logger?.error({ err: error, requestId }, 'could not describe a SCIM request for the sync log');
            detail = JSON.stringify({ response: { status: ctx.status }, notes: ['The request could not be described for the sync log'] });
          }
          syncLog.record({ ...entry, detail });
        }
      } catch (error) {
        options.logger?.error({ err: error, requestId }, 'could not record a SCIM request in the sync log');
      }
    }
  });

  const respond = (ctx: Ctx, response: ScimResponse) => {
    ctx.status = response.status;
    for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
    if (response.body !== undefined) {
      ctx.type = SCIM_CONTENT_TYPE;
      ctx.body = response.body;
    }
  };

  const requestOf = (ctx: Ctx): ScimRequest => {
    const configured = options.publicUrl?.();
    const origin = configured ? configured.replace(/\/+$/, '') : `${ctx.protocol}://${ctx.host}`;
    return {
      baseUrl: `${origin}${ctx.state.prefix}`,
      query: Object.fromEntries(Object.entries(ctx.query).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])),
      ifMatch: headerValue(ctx.headers['if-match']),
      ifNoneMatch: headerValue(ctx.headers['if-none-match']),
      body: ctx.state.body,
      trace: ctx.state.trace,
    };
  };

  const handle =
    (operation: string, run: (ctx: Ctx, request: ScimRequest) => ScimResponse | Promise<ScimResponse>) => async (ctx: Ctx) => {
      ctx.state.trace.operation = operation;
      // Checked once routed (after the token): the sync log then says what Entra tried while paused.
      const retryAfter = options.pausedRetryAfter?.();
      if (retryAfter !== undefined) {
        ctx.set('Retry-After', String(retryAfter));
        throw new ScimError(503, undefined, PAUSED);
      }
      respond(ctx, await run(ctx, requestOf(ctx)));
    };

  const id = (ctx: Ctx) => String(ctx.params['id']);

  for (const prefix of SCIM_PREFIXES) {
    const router = new Router<ScimState>({ prefix });
    for (const [endpoint, kind] of [
      ['/Users', 'User'],
      ['/Groups', 'Group'],
    ] as const satisfies ReadonlyArray<readonly [string, ResourceKind]>) {
      router.post(`${endpoint}/.search`, handle('search', (_ctx, request) => service.searchPost(kind, request)));
      router.get(endpoint, handle('list', (_ctx, request) => service.list(kind, request)));
      router.post(endpoint, handle('create', (_ctx, request) => service.create(kind, request)));
      router.get(`${endpoint}/:id`, handle('get', (ctx, request) => service.get(kind, id(ctx), request)));
      router.put(`${endpoint}/:id`, handle('replace', (ctx, request) => service.replace(kind, id(ctx), request)));
      router.patch(`${endpoint}/:id`, handle('patch', (ctx, request) => service.patch(kind, id(ctx), request)));
      router.delete(`${endpoint}/:id`, handle('delete', (ctx, request) => service.remove(kind, id(ctx), request)));
    }
    router.post('/.search', handle('search', (_ctx, request) => service.searchPost(undefined, request)));
    router.get('/ServiceProviderConfig', handle('discovery', (_ctx, request) => service.serviceProviderConfig(request)));
    router.get('/Schemas', handle('discovery', (_ctx, request) => service.schemasList(request)));
    router.get('/Schemas/:id', handle('discovery', (ctx, request) => service.schema(id(ctx), request)));
    router.get('/ResourceTypes', handle('discovery', (_ctx, request) => service.resourceTypes(request)));
    router.get('/ResourceTypes/:id', handle('discovery', (ctx, request) => service.resourceType(id(ctx), request)));
    for (const unsupported of ['/Bulk', '/Me']) {
      router.all(unsupported, (ctx) => {
        ctx.state.trace.operation = 'unsupported';
        throw new ScimError(501, undefined, `${unsupported.slice(1)} is not supported by ScimDesk`);
      });
    }
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  return app;
}
