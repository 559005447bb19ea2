import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { literalAddresses, ownApiRefusal } from './target-guard';

/** What a receiver answered. */
export interface SendOutcome {
  readonly status: number;
  /** The start of the answer's body, for the delivery log's error. */
  readonly text: string;
}

/** One POST of a webhook: the seam the worker sends through (tests count or fail it). */
export type SendWebhook = (url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number) => Promise<SendOutcome>;

const ANSWER_KEPT = 500;

/** A refused target: never sent, and the delivery log says why. */
export class TargetRefusedError extends Error {}

/**
 * The real sender: node:http(s) with keep-alive (a receiver catching up takes many POSTs over few
 * connections) and certificate verification on. The connection's own DNS lookup checks every address
 * it resolves against ScimDesk's own ports, so a name that resolves elsewhere after the subscription
 * was checked (DNS rebinding) still never reaches the admin API.
 */
export function createWebhookSender(ownPorts: () => ReadonlyArray<number>): SendWebhook & { close(): void } {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 8 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 8 }) };
  const send: SendWebhook = (target, body, headers, timeoutMs) =>
    new Promise<SendOutcome>((resolve, reject) => {
      const url = new URL(target);
      const literal = literalAddresses(url);
      const refusal = literal ? ownApiRefusal(url, literal, ownPorts()) : url.protocol === 'http:' || url.protocol === 'https:' ? undefined : ownApiRefusal(url, [], []);
      if (refusal) return reject(new TargetRefusedError(refusal));
      const guardedLookup = (hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
        dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
          if (error) return callback(error, []);
          const refused = ownApiRefusal(url, addresses.map((entry) => entry.address), ownPorts());
          if (refused) return callback(new TargetRefusedError(refused), []);
          if (options.all) return callback(null, addresses);
          const first = addresses[0]!;
          callback(null, first.address, first.family);
        });
      };
      const module = url.protocol === 'https:' ? https : http;
      const request = module.request(
        url,
        {
          method: 'POST',
          agent: agents[url.protocol as 'http:' | 'https:'],
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: guardedLookup as never,
          timeout: timeoutMs,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < ANSWER_KEPT) text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: text.slice(0, ANSWER_KEPT) }));
          response.on('error', reject);
        },
      );
      // The whole exchange has a deadline, not just idle time: a receiver that trickles its answer is a failure too.
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      request.on('close', () => clearTimeout(deadline));
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  return Object.assign(send, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}
