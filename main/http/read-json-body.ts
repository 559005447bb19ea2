import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { ScimError } from '../scim/scim-error';
import { describeLoneSurrogate, isWellFormed } from '../scim/unicode';

/**
 * Deepest nesting of objects and arrays accepted in a request body. SCIM resources and PATCH
 * requests nest about six levels (Operations → op → value → extension → complex → element); a body
 * of a few kilobytes can nest thousands, which every recursive step after parsing (canonicalising,
 * PATCH, the sync log's redaction, JSON.stringify) would then have to survive.
 */
export const MAX_JSON_DEPTH = 32;

export type JsonBodyProblem = 'tooLarge' | 'unreadable' | 'notJson' | 'tooDeep' | 'notUnicode';

export type JsonBodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: JsonBodyProblem; readonly message: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over the text before parsing: the deepest nesting reached (stopping once it passes
 * `limit`), and whether a `\uD800`–`\uDFFF` escape appears, the only way a lone surrogate gets into a
 * string here (raw-body decodes the bytes as UTF-8, which turns broken sequences into U+FFFD).
 */
function scanJson(text: string, limit: number): { tooDeep: boolean; surrogateEscape: boolean } {
  let depth = 0;
  let inString = false;
  let surrogateEscape = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) {
        const next = text.charCodeAt(i + 1);
        // \u followed by d8..df (either case) opens a surrogate escape.
        if (next === 0x75 && (text.charCodeAt(i + 2) | 0x20) === 0x64 && /[89a-fA-F]/.test(text[i + 3] ?? '')) surrogateEscape = true;
        i += 1;
      } else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return { tooDeep: true, surrogateEscape };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
  }
  return { tooDeep: false, surrogateEscape };
}

/**
 * The first string (value or member name) in a parsed body that is not well-formed UTF-16: a lone
 * surrogate, which SQLite would store as bytes no UTF-8 reader accepts. Walks with an explicit stack
 * (the depth is already bounded, but nothing here needs the call stack).
 */
function findLoneSurrogate(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (!isWellFormed(item)) return item;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        if (!isWellFormed(key)) return key;
        stack.push(inner);
      }
    }
  }
  return undefined;
}

/**
 * Reads and parses a JSON request body with a size limit, for both the SCIM
 * endpoint and the admin API: empty → undefined. Content types are not
 * enforced: Entra sends application/scim+json, other clients application/json.
 * A body over the limit is drained so the client, still sending, can read the
 * answer; the caller should close that connection (`Connection: close`).
 * A body nested deeper than MAX_JSON_DEPTH, or with a lone surrogate in a string, is refused
 * here, before anything acts on it.
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
  const scan = scanJson(text, MAX_JSON_DEPTH);
  if (scan.tooDeep) {
    return { ok: false, problem: 'tooDeep', message: `The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return { ok: false, problem: 'notJson', message: `The request body is not valid JSON: ${(error as Error).message}` };
  }
  if (scan.surrogateEscape) {
    const bad = findLoneSurrogate(value);
    if (bad !== undefined) {
      return {
        ok: false,
        problem: 'notUnicode',
        message: `A string in the request body is not valid Unicode (${describeLoneSurrogate(bad)}: half of a surrogate pair); other programs could not read it back`,
      };
    }
  }
  return { ok: true, value };
}

/** `readJson` for SCIM: too large → 413, a lone surrogate → 400 invalidValue, anything else wrong → 400 invalidSyntax. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const body = await readJson(req, limitBytes);
  if (body.ok) return body.value;
  if (body.problem === 'tooLarge') throw new ScimError(413, undefined, body.message);
  if (body.problem === 'notUnicode') throw ScimError.badRequest('invalidValue', body.message);
  throw ScimError.badRequest('invalidSyntax', body.message);
}
