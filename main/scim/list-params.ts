import { DEFAULT_COUNT, MAX_RESULTS } from './discovery';
import { ScimError } from './scim-error';

/** The list and search parameters of RFC 7644 §3.4.2, from a query string or a POST .search body. */
export interface ListParams {
  readonly filter: string | undefined;
  readonly startIndex: number;
  readonly count: number;
  readonly sortBy: string | undefined;
  readonly descending: boolean;
  readonly attributes: string | undefined;
  readonly excludedAttributes: string | undefined;
}

/**
 * Parses an integer query parameter; RFC 7644 §3.4.2.4 clamps values below the range (and `count`
 * above it: `clampAbove`). A value past 2^53 − 1 is no integer JavaScript can hold exactly (`1e19` reads as one
 * but cannot be counted to), so it is refused rather than passed on as an offset no store can skip.
 */
function integerParam(raw: unknown, name: string, fallback: number, clampAbove?: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(value) || !Number.isInteger(value)) {
    throw ScimError.badRequest('invalidValue', `${name} must be an integer, got "${String(raw)}"`);
  }
  if (clampAbove !== undefined && value > clampAbove) return clampAbove;
  if (value > Number.MAX_SAFE_INTEGER) {
    throw ScimError.badRequest('invalidValue', `${name} must be an integer no larger than ${Number.MAX_SAFE_INTEGER}, got "${String(raw)}"`);
  }
  return value;
}

function stringParam(raw: unknown, name: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) {
    if (!raw.every((item) => typeof item === 'string')) throw ScimError.badRequest('invalidValue', `${name} must list strings`);
    return raw.join(',');
  }
  if (typeof raw !== 'string') throw ScimError.badRequest('invalidValue', `${name} must be a string`);
  return raw;
}

export function listParams(source: Readonly<Record<string, unknown>>): ListParams {
  // Query parameter names are case-sensitive in the RFC, but clients vary (`startindex`); unknown ones are ignored.
  const get = (name: string) => {
    if (name in source) return source[name];
    const key = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : source[key];
  };
  const sortOrder = stringParam(get('sortOrder'), 'sortOrder');
  if (sortOrder !== undefined && !['ascending', 'descending'].includes(sortOrder.toLowerCase())) {
    throw ScimError.badRequest('invalidValue', `sortOrder must be "ascending" or "descending", got "${sortOrder}"`);
  }
  return {
    filter: stringParam(get('filter'), 'filter'),
    startIndex: Math.max(1, integerParam(get('startIndex'), 'startIndex', 1)),
    count: Math.max(0, integerParam(get('count'), 'count', DEFAULT_COUNT, MAX_RESULTS)),
    sortBy: stringParam(get('sortBy'), 'sortBy'),
    descending: sortOrder?.toLowerCase() === 'descending',
    attributes: stringParam(get('attributes'), 'attributes'),
    excludedAttributes: stringParam(get('excludedAttributes'), 'excludedAttributes'),
  };
}
