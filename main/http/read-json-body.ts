import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { ScimError } from '../scim/scim-error';

/**
 * Reads and parses a JSON request body with a size limit: too large → 413,
 * malformed → 400 invalidSyntax, empty → undefined. Content types are not
 * enforced: Entra sends application/scim+json, other clients application/json.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  let text: string;
  try {
    text = await getRawBody(req, { limit: limitBytes, encoding: 'utf8' });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new ScimError(413, undefined, `The request body is larger than the limit of ${limitBytes} bytes`);
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      throw ScimError.badRequest('invalidSyntax', 'The request body must be UTF-8 JSON');
    }
    throw ScimError.badRequest('invalidSyntax', `The request body could not be read: ${(error as Error).message}`);
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw ScimError.badRequest('invalidSyntax', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
