import { runInNewContext } from 'node:vm';

/**
 * Runs a Postman collection (format v2.1) the way Postman's collection runner
 * does, far enough for Microsoft's SCIM test collection: items in order, folders
 * flattened, `{{variable}}` substitution in the URL, headers, bearer auth and raw
 * body, and each item's `prerequest`/`test` scripts executed in a sandbox with the
 * subset of the `pm` API those scripts use (`pm.test`, `pm.response`, `pm.expect`
 * with `eql`/`include`/`not.include`, `pm.environment`, the legacy
 * `postman.setEnvironmentVariable` and `responseBody`). Anything else a script
 * calls throws inside its `pm.test`, which then fails: an unsupported assertion is
 * never silently a pass.
 */

interface PostmanUrl {
  readonly raw: string;
}

interface PostmanRequest {
  readonly method: string;
  readonly url: string | PostmanUrl;
  readonly header?: ReadonlyArray<{ readonly key: string; readonly value: string; readonly disabled?: boolean }>;
  readonly body?: { readonly mode?: string; readonly raw?: string };
  readonly auth?: { readonly type: string; readonly bearer?: ReadonlyArray<{ readonly key: string; readonly value: unknown }> };
}

interface PostmanEvent {
  readonly listen: 'prerequest' | 'test';
  readonly script: { readonly exec: ReadonlyArray<string> | string };
}

interface PostmanItem {
  readonly name: string;
  readonly item?: ReadonlyArray<PostmanItem>;
  readonly request?: PostmanRequest;
  readonly event?: ReadonlyArray<PostmanEvent>;
}

export interface PostmanCollection {
  readonly info: { readonly name: string };
  readonly item: ReadonlyArray<PostmanItem>;
}

/** One `pm.test` outcome, keyed by `folder / request / test` (a repeated request name gets `#2`, `#3`). */
export interface AssertionResult {
  readonly key: string;
  readonly passed: boolean;
  readonly error?: string;
}

/** One request as sent, with what came back (for failure messages). */
export interface RequestRecord {
  readonly key: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

export interface CollectionRun {
  readonly assertions: ReadonlyArray<AssertionResult>;
  readonly requests: ReadonlyArray<RequestRecord>;
  readonly variables: Readonly<Record<string, string>>;
}

/** Flattens folders into requests in collection order, each with its folder path. */
function flatten(items: ReadonlyArray<PostmanItem>, folder: string[] = []): Array<{ path: string[]; item: PostmanItem }> {
  return items.flatMap((item) => (item.item ? flatten(item.item, [...folder, item.name]) : [{ path: [...folder, item.name], item }]));
}

function scriptText(event: PostmanEvent): string {
  return Array.isArray(event.script.exec) ? event.script.exec.join('\n') : String(event.script.exec);
}

/**
 * chai's `eql`: structural equality. Not node's deepEqual, which also compares
 * prototypes, and an array parsed here is not of the sandbox's Array.
 */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** A minimal chai-style `expect` with the assertions the collection uses. */
function expectOf(actual: unknown) {
  const includes = (needle: unknown) =>
    typeof actual === 'string' ? typeof needle === 'string' && actual.includes(needle) : Array.isArray(actual) && actual.some((item) => deepEqual(item, needle));
  const show = (value: unknown) => JSON.stringify(value)?.slice(0, 200) ?? String(value);
  const positive = {
    eql(expected: unknown) {
      if (!deepEqual(actual, expected)) throw new Error(`expected ${show(actual)} to deeply equal ${show(expected)}`);
    },
    include(needle: unknown) {
      if (!includes(needle)) throw new Error(`expected ${show(actual)} to include ${show(needle)}`);
    },
  };
  const negative = {
    eql(expected: unknown) {
      if (deepEqual(actual, expected)) throw new Error(`expected ${show(actual)} not to deeply equal ${show(expected)}`);
    },
    include(needle: unknown) {
      if (includes(needle)) throw new Error(`expected ${show(actual)} not to include ${show(needle)}`);
    },
  };
  return { to: { ...positive, not: negative, be: positive } };
}

/**
 * Runs every request of the collection against `variables` (which must give every
 * `{{name}}` the URLs use, e.g. Protocol, Server, Port, Api, token), in order.
 * Variables the scripts set (`id1`, `groupid`...) chain into later requests, as in
 * Postman; like Postman, an unresolved `{{name}}` is sent as written.
 */
export async function runPostmanCollection(
  collection: PostmanCollection,
  initial: Readonly<Record<string, string>>,
  /** Top-level folders not to run (e.g. one that only sets up the reference server's own token). */
  skipFolders: ReadonlyArray<string> = [],
): Promise<CollectionRun> {
  const variables: Record<string, string> = { ...initial };
  const fill = (text: string) => text.replace(/\{\{([^{}]+)\}\}/g, (whole, name: string) => variables[name] ?? whole);
  const assertions: AssertionResult[] = [];
  const requests: RequestRecord[] = [];
  const seen = new Map<string, number>();

  for (const { path, item } of flatten(collection.item.filter((entry) => !skipFolders.includes(entry.name)))) {
    const request = item.request;
    if (!request) continue;
    const baseKey = path.join(' / ');
    const occurrence = (seen.get(baseKey) ?? 0) + 1;
    seen.set(baseKey, occurrence);
    const key = occurrence > 1 ? `${baseKey} #${occurrence}` : baseKey;

    const environment = {
      get: (name: string) => variables[name],
      set: (name: string, value: unknown) => {
        variables[name] = String(value);
      },
    };
    const runScript = (listen: PostmanEvent['listen'], response?: { status: number; text: string }) => {
      for (const event of item.event ?? []) {
        if (event.listen !== listen) continue;
        const pm = {
          environment,
          variables: environment,
          collectionVariables: environment,
          test(name: string, body: () => void) {
            try {
              body();
              assertions.push({ key: `${key} / ${name}`, passed: true });
            } catch (error) {
              assertions.push({ key: `${key} / ${name}`, passed: false, error: (error as Error).message });
            }
          },
          expect: expectOf,
          response: response && {
            code: response.status,
            text: () => response.text,
            json: () => JSON.parse(response.text) as unknown,
            to: {
              have: {
                status(expected: number) {
                  if (response.status !== expected) throw new Error(`expected response to have status code ${expected} but got ${response.status}`);
                },
              },
            },
          },
        };
        const sandbox = {
          pm,
          postman: { setEnvironmentVariable: environment.set, getEnvironmentVariable: environment.get },
          responseBody: response?.text,
          JSON,
        };
        try {
          runInNewContext(scriptText(event), sandbox, { timeout: 1000 });
        } catch (error) {
          // Postman reports a script that throws outside pm.test as a failure of the request.
          assertions.push({ key: `${key} / (${listen} script)`, passed: false, error: (error as Error).message });
        }
      }
    };

    runScript('prerequest');
    const url = fill(typeof request.url === 'string' ? request.url : request.url.raw);
    const headers = new Headers();
    for (const header of request.header ?? []) if (!header.disabled) headers.set(header.key, fill(header.value));
    if (request.auth?.type === 'bearer') {
      const token = request.auth.bearer?.find((entry) => entry.key === 'token')?.value;
      headers.set('authorization', `Bearer ${fill(String(token ?? ''))}`);
    }
    const method = request.method.toUpperCase();
    const raw = request.body?.mode === 'raw' ? request.body.raw : undefined;
    // fetch refuses a body on GET/HEAD; the collection's only such body is the reference code's token request.
    const body = raw !== undefined && raw !== '' && method !== 'GET' && method !== 'HEAD' ? fill(raw) : undefined;
    // new URL() percent-encodes what Postman encodes on the wire (spaces, quotes).
    const response = await fetch(new URL(url), { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    requests.push({ key, method, url, status: response.status, body: text });
    runScript('test', { status: response.status, text });
  }
  return { assertions, requests, variables };
}
