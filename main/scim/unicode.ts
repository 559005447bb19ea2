/**
 * A high surrogate not followed by a low one, or a low one not preceded by a high one. Matched on
 * UTF-16 code units (no `u` flag), which is where a lone surrogate lives.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when the text is well-formed UTF-16 (String.prototype.isWellFormed, ES2024). A string with a
 * lone surrogate (`"\ud800"` in JSON) has no UTF-8 form: SQLite would store bytes that other
 * programs reading the database cannot decode, so SCIM refuses it as 400 invalidValue.
 */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** The first lone surrogate, for an error detail: `\ud800 at character 3`. */
export function describeLoneSurrogate(text: string): string {
  const found = LONE_SURROGATE.exec(text);
  if (!found) return 'no lone surrogate';
  return `\\u${found[0].charCodeAt(0).toString(16)} at character ${found.index}`;
}
