import { RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import { abortError, toGraphRequestError } from './graph-errors';
import type { GraphCollection } from './graph-types';

/** What one Graph call needs beyond its path: headers kept on every page, cancellation, throttle reporting. */
export interface GraphCallOptions {
  /** Sent on the first request and on every `@odata.nextLink` (e.g. ConsistencyLevel: eventual). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Called each time Graph throttles (429/503/504) and the retry handler is about to wait and retry. */
  readonly onThrottle?: (status: number, retryAfterSeconds: number | null) => void;
}

/** Retries per request after 429/503/504 (the client's maximum is 10). */
export const GRAPH_MAX_RETRIES = 6;

/**
 * Retry options for one request: the Graph client's RetryHandler already waits
 * for `Retry-After` (or backs off exponentially); this only counts the throttles
 * and stops retrying once the caller has cancelled. The handler's sleep itself
 * cannot be interrupted, so a cancel during a Retry-After wait takes effect when
 * it ends.
 */
export function retryOptionsFor(options: GraphCallOptions): RetryHandlerOptions {
  return new RetryHandlerOptions(3, GRAPH_MAX_RETRIES, (_delay, _attempt, _request, _fetchOptions, response) => {
    if (options.signal?.aborted) return false;
    const header = response.headers.get('Retry-After');
    const seconds = header === null ? null : Number(header);
    options.onThrottle?.(response.status, seconds === null || Number.isNaN(seconds) ? null : seconds);
    return true;
  });
}

/** Runs one request through the real client with the call options, mapping errors (AbortError on cancel). */
export async function graphCall<T>(client: Client, path: string, options: GraphCallOptions, send: (request: ReturnType<Client['api']>) => Promise<T>): Promise<T> {
  if (options.signal?.aborted) throw abortError();
  let request = client.api(path).middlewareOptions([retryOptionsFor(options)]);
  if (options.headers) request = request.headers({ ...options.headers });
  if (options.signal) request = request.option('signal', options.signal);
  try {
    return await send(request);
  } catch (error) {
    if (options.signal?.aborted) throw abortError();
    throw toGraphRequestError(error);
  }
}

/**
 * Every page of a Graph collection, following `@odata.nextLink` with the same
 * headers (PageIterator would drop headers such as ConsistencyLevel on the next
 * pages unless given in its request options), checking for cancellation before
 * each page and passing the signal to fetch so a slow page is abandoned at once.
 */
export async function* graphPages<T>(client: Client, path: string, options: GraphCallOptions = {}): AsyncGenerator<GraphCollection<T>> {
  let next: string | undefined = path;
  while (next) {
    const page: GraphCollection<T> = await graphCall(client, next, options, (request) => request.get() as Promise<GraphCollection<T>>);
    yield page;
    next = page['@odata.nextLink'];
  }
}

/** Percent-encodes a query value for a path handed to `client.api()`, which does not encode query strings itself. */
export function q(value: string): string {
  return encodeURIComponent(value);
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
