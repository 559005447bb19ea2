import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { ScimError } from '../scim/scim-error';

export type JsonBodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: 'tooLarge' | 'unreadable' | 'notJson'; readonly message: string };

/**
 * Reads and parses a JSON request body with a size limit, for both the SCIM
 * endpoint and the admin API: empty → undefined. Content types are not
 * enforced: Entra sends application/scim+json, other clients application/json.
 * A body over the limit is drained so the client, still sending, can read the
 * answer; the caller should close that connection (`Connection: close`).
 */
export async function readJson(req: IncomingMessage, limitBytes: number): Promise<JsonBodyResult> {
  let text: string;
  try {
    text = await getRawBody(req, { limit: limitBytes, encoding: 'utf8' });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      req.resume();
      return { ok: false, problem: 'tooLarge', message: `The request body is larger than the limit of ${limitBytes} bytes` };
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return { ok: false, problem: 'unreadable', message: 'The request body must be UTF-8 JSON' };
    }
    return { ok: false, problem: 'unreadable', message: `The request body could not be read: ${(error as Error).message}` };
  }
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: 'notJson', message: `The request body is not valid JSON: ${(error as Error).message}` };
  }
}

/** `readJson` for SCIM: too large → 413, anything else wrong → 400 invalidSyntax. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const body = await readJson(req, limitBytes);
  if (body.ok) return body.value;
  if (body.problem === 'tooLarge') throw new ScimError(413, undefined, body.message);
  throw ScimError.badRequest('invalidSyntax', body.message);
}
