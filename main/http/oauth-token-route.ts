import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import getRawBody from 'raw-body';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { OAuthTokenService, TokenOutcome, TokenRequest } from '../lib/oauth-token-service';
import type { SyncLogWriter } from '../lib/sync-log-writer';
import type { AuthThrottle } from './auth-throttle';

/**
 * The OAuth 2.0 token endpoint on the SCIM port, beside /scim/v2: what Entra's provisioning service calls
 * before SCIM with client credentials (RFC 6749 §4.4) or workload identity federation (RFC 7523). It
 * answers RFC 6749 JSON (§5.1) or RFC 6749 errors (§5.2), records every attempt in the sync log
 * (operation `oauth-token`: the method, the client id, which check failed; never a secret or an
 * assertion), and counts failed attempts in the SCIM endpoint's per-address throttle.
 */

/** Where Entra's "OAuth token endpoint" / "Token URL" points. */
export const TOKEN_PATH = '/oauth2/token';
const BODY_LIMIT = 64 * 1024;
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;

export interface OAuthTokenAppOptions {
  readonly tokens: Pick<OAuthTokenService, 'exchange'>;
  readonly syncLog: Pick<SyncLogWriter, 'record' | 'refused'>;
  readonly throttle: Pick<AuthThrottle, 'refuse'>;
  readonly now: () => Date;
  readonly logger?: Logger;
}

/** Sends token requests to the token app, everything else to the SCIM app. */
export function withTokenEndpoint(tokenApp: RequestListener, scimApp: RequestListener): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '').split('?')[0]!.replace(/\/{2,}/g, '/').replace(/\/$/, '');
    if (path === TOKEN_PATH) tokenApp(request, response);
    else scimApp(request, response);
  };
}

/** RFC 6749 §2.3.1: the Basic credentials are form-encoded before base64. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined | 'malformed' {
  if (!header) return undefined;
  const encoded = BASIC.exec(header)?.[1];
  if (!encoded) return 'malformed';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const unform = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

function toTokenRequest(form: URLSearchParams, authorization: string | undefined): TokenRequest | string {
  for (const name of new Set(form.keys())) {
    // RFC 6749 §3.2: parameters must not be included more than once.
    if (form.getAll(name).length > 1) return `${name} is sent more than once`;
  }
  const basic = basicCredentials(authorization);
  if (basic === 'malformed') return 'The Authorization header is not Basic client credentials';
  const field = (name: string) => form.get(name) ?? undefined;
  const bodyId = field('client_id');
  const bodySecret = field('client_secret');
  const both = basic !== undefined && bodySecret !== undefined;
  const conflicting = both && (basic.secret !== bodySecret || (bodyId !== undefined && bodyId !== basic.id));
  return {
    grantType: field('grant_type'),
    clientId: basic?.id ?? bodyId,
    secret: basic?.secret ?? bodySecret,
    sentAs: both ? 'both' : basic ? 'basic' : bodySecret !== undefined ? 'post' : null,
    conflicting,
    assertionType: field('client_assertion_type'),
    assertion: field('client_assertion') ?? field('assertion'),
    scope: field('scope'),
  };
}

/** The token endpoint as a Koa app (tests may drive `callback()` without a port). */
export function createOAuthTokenApp(options: OAuthTokenAppOptions): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(async (ctx) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    ctx.set('X-Request-Id', requestId);
    // RFC 6749 §5.1: token answers are never cached.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    let outcome: TokenOutcome | undefined;
    let request: TokenRequest | undefined;
    let throttled = false;
    const answerError = (status: number, error: string, description: string) => {
      ctx.status = status;
      ctx.body = { error, error_description: description };
    };
    try {
      if (ctx.method !== 'POST') {
        ctx.set('Allow', 'POST');
        answerError(405, 'invalid_request', 'The token endpoint takes POST only');
      } else if (!ctx.is('application/x-www-form-urlencoded')) {
        answerError(400, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded (RFC 6749 §4.4.2)');
      } else {
        const text = await getRawBody(ctx.req, { limit: BODY_LIMIT, encoding: 'utf8' });
        const parsed = toTokenRequest(new URLSearchParams(text), ctx.get('authorization') || undefined);
        if (typeof parsed === 'string') answerError(400, 'invalid_request', parsed);
        else {
          request = parsed;
          outcome = await options.tokens.exchange(parsed);
          if (outcome.ok) {
            ctx.status = 200;
            ctx.body = { access_token: outcome.accessToken, token_type: 'Bearer', expires_in: outcome.expiresIn, scope: outcome.scope };
          } else {
            // Only failed client authentication counts: a valid client is never throttled, whatever its address did.
            const wait = outcome.error === 'invalid_client' || outcome.error === 'invalid_grant' ? options.throttle.refuse(ctx.ip) : undefined;
            if (wait !== undefined) {
              throttled = true;
              ctx.set('Retry-After', String(wait));
              answerError(429, outcome.error, `Too many failed attempts from this address: try again in ${wait} seconds`);
            } else {
              answerError(outcome.status, outcome.error, outcome.description);
              // RFC 6749 §5.2: a 401 names the scheme the client used, Basic when it used the header.
              if (outcome.status === 401 && (request.sentAs === 'basic' || request.sentAs === 'both')) ctx.set('WWW-Authenticate', 'Basic realm="ScimDesk"');
            }
          }
        }
      }
    } catch (error) {
      const tooLarge = (error as { type?: string }).type === 'entity.too.large';
      if (!tooLarge) options.logger?.error({ err: error, requestId }, 'token request failed');
      answerError(tooLarge ? 413 : 400, 'invalid_request', tooLarge ? `The token request is larger than ${BODY_LIMIT} bytes` : 'The token request could not be read');
    } finally {
      try {
        record(ctx, requestId, started, request, outcome, throttled, options);
      } catch (error) {
        options.logger?.error({ err: error, requestId }, 'could not record a token request in the sync log');
      }
    }
  });
  return app;
}

function record(ctx: Koa.Context, requestId: string, started: bigint, request: TokenRequest | undefined, outcome: TokenOutcome | undefined, throttled: boolean, options: OAuthTokenAppOptions): void {
  const body = ctx.body as { error?: string; error_description?: string } | undefined;
  const failed = ctx.status >= 400;
  const auth = {
    method: outcome?.ok ? outcome.method : (outcome?.method ?? null),
    clientId: outcome?.ok ? outcome.clientId : (outcome?.clientId?.slice(0, 100) ?? request?.clientId?.slice(0, 100) ?? null),
    grant: request?.grantType?.slice(0, 100) ?? null,
    credentialsSentAs: request?.sentAs ?? null,
    ...(request?.assertion !== undefined ? { assertion: 'presented (never kept)' } : {}),
    ...(outcome && !outcome.ok ? { failedCheck: outcome.check } : {}),
    ...(throttled ? { throttled: true } : {}),
  };
  const detail = JSON.stringify({
    auth,
    ...(outcome?.presented ? { presented: outcome.presented } : {}),
    response: { status: ctx.status, ...(failed && body ? { body } : {}) },
  });
  const headerValue = (name: string) => ctx.get(name) || null;
  const entry = {
    time: options.now().toISOString(),
    requestId,
    method: ctx.method,
    path: TOKEN_PATH,
    operation: 'oauth-token',
    resourceType: null,
    resourceId: null,
    userName: null,
    externalId: null,
    displayName: null,
    status: ctx.status,
    durationMs: Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 1000) / 1000,
    scimType: null,
    error: failed && body ? `${body.error ?? 'error'}: ${body.error_description ?? ''}`.slice(0, 1000) : null,
    client: [ctx.ip, headerValue('user-agent')].filter(Boolean).join(' ') || null,
    adscimVersion: headerValue('adscimversion')?.slice(0, 200) ?? null,
    detail,
  };
  // Failed client authentication is summed up per address like a wrong SCIM token, so a flood cannot fill the disk.
  if (outcome && !outcome.ok && (outcome.error === 'invalid_client' || outcome.error === 'invalid_grant')) options.syncLog.refused(entry, ctx.ip);
  else options.syncLog.record(entry);
}
