/**
 * Which resource a Graph token is asked for (`<resource>/.default`), for the
 * connection form and the core alike.
 *
 * The sign-in service issues app-only tokens for a resource it knows: Microsoft
 * Graph is `https://graph.microsoft.com` in the global cloud and its own Graph
 * host in each national cloud. A custom cloud whose Graph URL is a proxy or a
 * private endpoint in front of Graph must still ask for Graph's resource: the
 * sign-in service answers any other with AADSTS500011 ("The resource principal
 * named … was not found in the tenant").
 */

/** Graph's resource (App ID URI) in the global cloud. */
export const GLOBAL_GRAPH_RESOURCE = 'https://graph.microsoft.com';

/**
 * The Graph hosts of Microsoft's national cloud deployments (global, US Government
 * L4 and L5 (DoD), China operated by 21Vianet): each is its own token resource.
 */
export const NATIONAL_GRAPH_HOSTS: ReadonlyArray<string> = ['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn'];

/**
 * The resource a custom cloud uses when none is set: the Graph URL's own host
 * when it is a national cloud's Graph host, Graph's global resource otherwise
 * (a proxy, a private endpoint, a test tenant).
 */
export function defaultGraphResource(graphBaseUrl: string): string {
  let host: string;
  try {
    host = new URL(graphBaseUrl.trim()).hostname.toLowerCase();
  } catch {
    return GLOBAL_GRAPH_RESOURCE;
  }
  return NATIONAL_GRAPH_HOSTS.includes(host) ? `https://${host}` : GLOBAL_GRAPH_RESOURCE;
}

/**
 * Checks an admin-typed token resource: an absolute https URL without
 * credentials, query or fragment. Returns it without trailing slashes (the
 * scope appends `/.default`), or the problem in plain words.
 */
export function checkGraphResource(value: string): { readonly ok: true; readonly resource: string } | { readonly ok: false; readonly problem: string } {
  const example = `such as ${GLOBAL_GRAPH_RESOURCE}`;
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, problem: `The token resource is empty: leave it out to use the default, or give an absolute https URL ${example}` };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: `The token resource "${trimmed}" is not an absolute URL: give one ${example}` };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: `The token resource must be an https URL ${example} (got ${url.protocol}//)` };
  if (url.username || url.password || url.search || url.hash) {
    return { ok: false, problem: `The token resource must be a plain https URL ${example}, without credentials, query or fragment` };
  }
  return { ok: true, resource: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}
