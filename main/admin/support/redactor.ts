/**
 * The support bundle's redaction (issue 14): what leaves the machine in a bundle carries no secret
 * and no personal data in the clear. Allow-list based: in SCIM bodies only keys known to be safe
 * keep their string values; every other string is masked. Identifiers that are GUIDs (Entra's
 * objectIds, ScimDesk's ids) stay, because support chases identifier mismatches with them. Free
 * text (error messages, filters, paths, query strings, notes) keeps its words but loses every
 * email address, every quoted value and every personal value seen elsewhere in the bundle.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An address's local part as people write them (quotes and braces left out: they delimit it in text). */
const EMAIL = /[A-Za-z0-9._%+\-*]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;
const MASK = '***';
/** Quoted words that are SCIM's own (PATCH ops, filter operators, grammar), not a person's value: error messages and notes keep them. */
const PROTOCOL_WORDS = new Set(['add', 'remove', 'replace', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not', 'true', 'false', 'null', '(', ')', '[', ']', 'op', 'path', 'value', 'operations']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** What a secret's value becomes: nothing of it is kept, not even its length. */
export const REMOVED = '[removed]';

export const isGuid = (value: string) => GUID.test(value);

/** `john.smith@contoso.com` → `j***@contoso.com`: the domain says which tenant, the local part is personal. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskValue(email);
  return `${email[0]}${MASK}${email.slice(at)}`;
}

/** Any string value that may be personal: GUIDs stay, emails keep their domain, anything else keeps its first character. */
export function maskValue(value: string): string {
  if (value === '' || isGuid(value)) return value;
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return maskEmail(value);
  return `${Array.from(value)[0]}${MASK}`;
}

/** Keys whose values are secrets wherever they appear: removed, not masked. */
const SECRET_KEY = /(secret|password|passphrase|passwd|pwd|token|authtoken|authorization|cookie|apikey|api_key|credential|privatekey|private_key|pfx|sharedaccesskey|connectionstring|signature|^key$|accesskey)/i;
/** Secret-sounding keys whose values are facts about a secret (whether it is set, a masked hint), not the secret. */
const SECRET_FACT_KEY = /(stored|set|saved|present|configured|hint|generated|expires|created|lastused|revoked|state|status|kind|source|store|format|auth)$/i;

/** In SCIM bodies: keys whose string values stay as they are (protocol words, identifiers, times). */
const SAFE_KEYS = new Set(
  [
    'schemas', 'id', 'resourcetype', 'created', 'lastmodified', 'version', 'location', '$ref', 'ref', 'active', 'op', 'type', 'primary',
    'status', 'scimtype', 'totalresults', 'itemsperpage', 'startindex', 'count', 'etag', 'clientrequestid', 'operation', 'method', 'requestid',
    'time', 'lasttime', 'durationms', 'sortorder', 'truncated', 'checkfromoutside', 'adscimversion', 'client', 'resourceid', 'seq',
    // The tunnel's events, logged beside the requests.
    'event', 'provider', 'since', 'nextattemptat', 'attempts',
  ].map((k) => k.toLowerCase()),
);
/** In SCIM bodies: keys whose values are free text or attribute paths: words kept, values inside them masked. */
const TEXT_KEYS = new Set(['publicurl', 'warning', 'path', 'detail', 'filter', 'filterasread', 'notes', 'note', 'message', 'error', 'attributes', 'excludedattributes', 'sortby', 'ignoredattributes', 'reason', 'fix']);
/** Attributes that name or reach a person: their values are remembered, so the same value is also masked inside free text. */
const PERSONAL = new Set([
  'username', 'displayname', 'givenname', 'familyname', 'middlename', 'formatted', 'nickname', 'name', 'honorificprefix', 'honorificsuffix',
  'emails', 'email', 'mail', 'phonenumbers', 'phonenumber', 'mobile', 'ims', 'photos', 'addresses', 'streetaddress', 'locality', 'region',
  'postalcode', 'country', 'title', 'employeenumber', 'manager', 'userprincipalname', 'upn', 'mailnickname', 'display', 'proxyaddresses',
]);
/** Attribute values that stay when a PATCH operation's path names them. */
const SAFE_PATH_ATTRIBUTES = new Set(['active', 'type', 'primary', 'schemas', 'id']);

/** Values too short to find reliably inside free text without masking ordinary words. */
const MIN_KNOWN_LENGTH = 3;
/** Cuts what a hostile or broken log entry nests deeper than any SCIM body. */
const MAX_DEPTH = 64;

/** The words of an attribute path, without URN prefix or value filter: `urn:…:User:emails[type eq "work"].value` → emails, value. */
function pathWords(path: string): string[] {
  const bare = path.replace(/\[[^\]]*\]/g, '');
  const afterUrn = /^urn:/i.test(bare) ? bare.slice(bare.lastIndexOf(':') + 1) : bare;
  return afterUrn.toLowerCase().split('.').filter(Boolean);
}

/** Decodes URL encoding (`%40`, `+` in a query) when the text has any, so encoded personal data is found too. */
function urlDecoded(text: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(text)) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

export interface RedactionCounts {
  /** String values masked by the allow-list. */
  masked: number;
  /** Secret values removed. */
  removed: number;
  /** Free-text strings in which something was masked. */
  scrubbed: number;
}

/**
 * One bundle's redaction. Personal values are first remembered (`remember`, `collect`) from every
 * part that will go in, then every part is redacted: a name seen in one entry's body is also masked
 * in another entry's error message.
 */
export class Redactor {
  /** Remembered personal values, by their first three characters lowercased: a scan of a text stays linear. */
  private readonly known = new Map<string, string[]>();
  private knownCount = 0;
  readonly counts: RedactionCounts = { masked: 0, removed: 0, scrubbed: 0 };

  /** Remembers one personal value, so free text loses it too. */
  remember(value: string): void {
    const trimmed = value.trim();
    if (trimmed.length < MIN_KNOWN_LENGTH || isGuid(trimmed) || /^(true|false|null|\d+)$/i.test(trimmed)) return;
    const key = trimmed.slice(0, MIN_KNOWN_LENGTH).toLowerCase();
    const list = this.known.get(key) ?? [];
    if (list.some((known) => known.toLowerCase() === trimmed.toLowerCase())) return;
    list.push(trimmed);
    // Longest first: "Ann Lee" is masked whole before "Ann" could be.
    list.sort((a, b) => b.length - a.length);
    this.known.set(key, list);
    this.knownCount += 1;
  }

  get rememberedValues(): number {
    return this.knownCount;
  }

  /** Walks a SCIM body (or any logged JSON) and remembers the values of personal attributes, without changing it. */
  collect(value: unknown, key = '', depth = 0, personal = false): void {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      if (personal || PERSONAL.has(key.toLowerCase())) this.remember(value);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) this.collect(item, key, depth + 1, personal || PERSONAL.has(key.toLowerCase()));
      return;
    }
    const record = value as Record<string, unknown>;
    const pathPersonal = this.opPathPersonal(record);
    for (const [inner, innerValue] of Object.entries(record)) {
      const lower = inner.toLowerCase();
      if (SAFE_KEYS.has(lower) || TEXT_KEYS.has(lower)) continue;
      const isPersonal = personal || PERSONAL.has(lower) || (lower === 'value' && pathPersonal) || PERSONAL.has(pathWords(inner).at(0) ?? '');
      this.collect(innerValue, inner, depth + 1, isPersonal);
    }
  }

  /** Whether a PATCH operation's path names a personal attribute (its `value` is then personal). */
  private opPathPersonal(record: Record<string, unknown>): boolean {
    const pathKey = Object.keys(record).find((k) => k.toLowerCase() === 'path');
    const path = pathKey !== undefined ? record[pathKey] : undefined;
    if (typeof path !== 'string') return false;
    const words = pathWords(path);
    return !words.every((word) => SAFE_PATH_ATTRIBUTES.has(word));
  }

  /**
   * Free text with its words kept: email addresses, quoted values (filters, error messages), home
   * folder names and every remembered personal value masked; URL-encoded text decoded first.
   */
  text(input: string): string {
    let text = urlDecoded(input);
    // Single quotes only around a value (`eq 'x'`, `'x'.`), not the apostrophes of ordinary words (Entra's, can't).
    text = text.replace(/"((?:[^"\\]|\\.)*)"|(?<=^|[\s=(,:[])'((?:[^'\\]|\\.)*)'(?=$|[\s),.;:\]])/g, (whole, double: string | undefined, single: string | undefined) => {
      const inner = double ?? single ?? '';
      if (inner === '' || isGuid(inner) || PROTOCOL_WORDS.has(inner.toLowerCase()) || /^-?\d+(\.\d+)?$/.test(inner) || /^urn:/i.test(inner)) return whole;
      const quote = double !== undefined ? '"' : "'";
      return `${quote}${maskValue(inner)}${quote}`;
    });
    text = text.replace(EMAIL, (email) => maskEmail(email));
    // A Windows, macOS or Linux home folder names the account (often the person).
    text = text.replace(/([A-Za-z]:\\(?:Users|Documents and Settings)\\)([^\\/]+)/gi, `$1${MASK}`).replace(/(^|[\s"'=(])(\/home\/|\/Users\/)([^/\s"']+)/g, `$1$2${MASK}`);
    text = this.maskKnown(text);
    if (text !== input) this.counts.scrubbed += 1;
    return text;
  }

  private maskKnown(text: string): string {
    if (this.knownCount === 0 || text.length < MIN_KNOWN_LENGTH) return text;
    const lower = text.toLowerCase();
    let out = '';
    let i = 0;
    while (i < text.length) {
      const candidates = i + MIN_KNOWN_LENGTH <= text.length ? this.known.get(lower.slice(i, i + MIN_KNOWN_LENGTH)) : undefined;
      const hit = candidates?.find((known) => lower.startsWith(known.toLowerCase(), i));
      if (hit !== undefined) {
        out += maskValue(text.slice(i, i + hit.length));
        i += hit.length;
      } else {
        out += text[i];
        i += 1;
      }
    }
    return out;
  }

  private mask(value: string): string {
    const masked = maskValue(value);
    if (masked !== value) this.counts.masked += 1;
    return masked;
  }

  private removed(): string {
    this.counts.removed += 1;
    return REMOVED;
  }

  /**
   * A SCIM body or any JSON logged with a request, deep: safe keys keep their values, free-text keys
   * are scrubbed, secrets removed, every other string masked (GUIDs stay). Keys are scrubbed too
   * (arbitrary JSON may use an email address as a key). Never throws on any JSON value.
   */
  scim(value: unknown, key = '', depth = 0, safePathValue = false): unknown {
    if (depth > MAX_DEPTH) return '[nested too deep]';
    if (typeof value === 'string') {
      const lower = key.toLowerCase();
      if (SECRET_KEY.test(lower) && !SECRET_FACT_KEY.test(lower)) return this.removed();
      if (value === '[redacted]' || ISO_TIME.test(value)) return value;
      // Safe keys keep their values, but an email address is never kept whole, whatever key it sits under.
      if (safePathValue || SAFE_KEYS.has(lower)) return lower === 'location' || lower === '$ref' || /@|%40/i.test(value) ? this.text(value) : value;
      if (TEXT_KEYS.has(lower)) return this.text(value);
      return this.mask(value);
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.scim(item, key, depth + 1, safePathValue));
    const record = value as Record<string, unknown>;
    const pathKey = Object.keys(record).find((k) => k.toLowerCase() === 'path');
    const path = pathKey !== undefined ? record[pathKey] : undefined;
    const valueIsSafe = typeof path === 'string' && pathWords(path).length > 0 && pathWords(path).every((word) => SAFE_PATH_ATTRIBUTES.has(word));
    const out: Record<string, unknown> = {};
    for (const [inner, innerValue] of Object.entries(record)) {
      const safeKey = /^[A-Za-z0-9_$:.\-[\]" ]*$/.test(inner) && !inner.includes('@') ? inner : this.text(inner);
      out[safeKey] = this.scim(innerValue, inner, depth + 1, valueIsSafe && inner.toLowerCase() === 'value');
    }
    return out;
  }

  /**
   * Settings, diagnostics and other views ScimDesk made itself: their words stay, secrets are
   * removed, and personal data in them (a record's name in a diagnostic sample, an email in a
   * message, a home folder) is masked.
   */
  view(value: unknown, key = '', depth = 0, parent = ''): unknown {
    if (depth > MAX_DEPTH) return '[nested too deep]';
    if (typeof value === 'string') {
      const lower = key.toLowerCase();
      if (SECRET_KEY.test(lower) && !SECRET_FACT_KEY.test(lower)) return this.removed();
      // A diagnostic's affected record: its name and value are a person's.
      if (parent === 'sample' && (lower === 'name' || lower === 'value' || lower === 'username' || lower === 'displayname')) return this.mask(value);
      if (lower === 'sample') return this.mask(value);
      return this.text(value);
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.view(item, key, depth + 1, parent));
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([inner, innerValue]) => [inner, this.view(innerValue, inner, depth + 1, key.toLowerCase())]));
  }
}
