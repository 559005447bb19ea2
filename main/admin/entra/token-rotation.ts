import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AdminEventBus } from '../../lib/event-bus';
import type { TokenService } from '../../lib/scim-token';
import type { AuditStore } from '../../store/directory-store';
import { AdminApiError } from '../admin-error';
import { toTokenInfo } from '../admin-views';
import type { GraphConnectionService } from './graph-connection';

/** Where the SCIM endpoint listens: the URL Entra is given and the local address to check it on. */
export interface ListeningEndpoint {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
}

/**
 * Rotation without downtime: a second token, pushed into the enterprise application, checked against
 * this endpoint over HTTP; the old tokens keep working until the overlap ends, then expire. A failed
 * push revokes the new token again, so nothing half-done is left behind.
 */
export class TokenRotation {
  constructor(
    private readonly deps: {
      readonly connection: GraphConnectionService;
      readonly tokens: Pick<TokenService, 'issueAdditional' | 'revokeOne' | 'revoke' | 'retireOthers'>;
      readonly endpoint: () => ListeningEndpoint | undefined;
      readonly audit: Pick<AuditStore, 'appendAudit'>;
      readonly events: Pick<AdminEventBus, 'emit'>;
      readonly now: () => Date;
    },
  ) {}

  async rotate(overlapMinutes: number, lifetimeDays: number, actor: string) {
    const { tokens, now } = this.deps;
    const { sp, service } = await this.deps.connection.application();
    const endpoint = this.deps.endpoint();
    if (!endpoint) throw new AdminApiError('unavailable', 'The SCIM endpoint is not listening');
    const issued = await tokens.issueAdditional(lifetimeDays);
    try {
      await service.pushScimToken(sp.id, endpoint.url, issued.token);
    } catch (error) {
      // Entra still has the old token, which still works: withdraw the new one so nothing is half done.
      await tokens.revokeOne(issued.record.id);
      throw error;
    }
    const validated = await probe(endpoint, issued.token);
    if (!validated) {
      throw new AdminApiError('unavailable', 'The new token was pushed to Entra but this endpoint did not accept it; both tokens still work');
    }
    const at = new Date(now().getTime() + overlapMinutes * 60_000);
    if (overlapMinutes === 0) await tokens.revoke(issued.record.id);
    else await tokens.retireOthers(issued.record.id, at);
    await this.deps.audit.appendAudit({
      time: now().toISOString(),
      actor,
      action: 'rotateToken',
      resourceType: null,
      resourceId: null,
      summary: `Secret token rotated through Graph (${issued.record.hint}) into ${sp.displayName}; the earlier tokens ${overlapMinutes === 0 ? 'revoked' : `expire ${at.toISOString()}`}`,
    });
    this.deps.events.emit('overview.changed', {});
    return {
      info: toTokenInfo(issued.record),
      pushedTo: sp.displayName,
      validated,
      oldTokensExpire: overlapMinutes === 0 ? null : at.toISOString(),
    };
  }
}

/** Test Connection's own request (a filter for a random userName) against the local listener. */
function probe(endpoint: ListeningEndpoint, token: string): Promise<boolean> {
  const host = endpoint.host === '0.0.0.0' || endpoint.host === '::' ? '127.0.0.1' : endpoint.host;
  const path = `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`;
  const request = endpoint.https ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      // The certificate names the public host, not this loopback address: this check is about the token.
      { host, port: endpoint.port, path, method: 'GET', headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('ListResponse')));
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
