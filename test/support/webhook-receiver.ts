import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectoryChange } from '../../shared/admin/change-types';

/** What the receiver does with one request. */
export type Behaviour = 'ok' | 'fail' | 'timeout' | 'slow';

export interface Received {
  readonly id: string;
  readonly timestamp: number;
  readonly type: string;
  readonly changes: ReadonlyArray<DirectoryChange>;
  /** Whether our own check (not the standardwebhooks package) accepted the signature. */
  readonly signatureValid: boolean;
  readonly answered: Behaviour;
  readonly raw: { readonly headers: Record<string, string | undefined>; readonly body: string };
}

/**
 * Verifies a Standard Webhooks signature with Node's crypto alone, independently of the package
 * ScimDesk signs with: HMAC-SHA256 over `id.timestamp.body` with the base64 key after `whsec_`, any of
 * the space-separated `v1,` signatures matching, and the timestamp within `toleranceSeconds` of now.
 */
export function verifyWebhook(secret: string, headers: Record<string, string | undefined>, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A webhook receiver on 127.0.0.1 that misbehaves on purpose: each request takes the next behaviour
 * of `plan` (then `ok`): `fail` answers 500, `timeout` never answers, `slow` answers 200 after
 * `slowMs`. It records what it received and whether the signature checked out.
 */
export class TestReceiver {
  readonly received: Received[] = [];
  plan: Behaviour[] = [];
  slowMs = 150;
  secret = '';
  /** Refuse (500) a request whose signature does not check out, as a real receiver does; the plan is not used up. */
  rejectBadSignatures = false;
  private server: Server | undefined;
  private readonly hanging = new Set<IncomingMessage>();

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void (async () => {
        const body = await readBody(request);
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : v]));
        const signatureValid = verifyWebhook(this.secret, headers, body, Math.floor(Date.now() / 1000));
        const behaviour = this.rejectBadSignatures && !signatureValid ? 'fail' : (this.plan.shift() ?? 'ok');
        const parsed = JSON.parse(body) as { type: string; data: { changes: DirectoryChange[] } };
        this.received.push({
          id: String(headers['webhook-id']),
          timestamp: Number(headers['webhook-timestamp']),
          type: parsed.type,
          changes: parsed.data.changes,
          signatureValid,
          answered: behaviour,
          raw: { headers, body },
        });
        if (behaviour === 'timeout') {
          this.hanging.add(request);
          return;
        }
        if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, this.slowMs));
        response.statusCode = behaviour === 'fail' ? 500 : 200;
        response.end(behaviour === 'fail' ? 'receiver failed on purpose' : 'ok');
      })();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Changes it acknowledged with 2xx, by sequence number (duplicates collapsed). */
  acknowledged(): Map<number, DirectoryChange> {
    const seen = new Map<number, DirectoryChange>();
    for (const received of this.received) if (received.answered === 'ok' || received.answered === 'slow') for (const change of received.changes) seen.set(change.seq, change);
    return seen;
  }

  async stop(): Promise<void> {
    for (const request of this.hanging) request.socket.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
