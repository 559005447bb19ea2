import fs from 'node:fs';
import { sep } from 'node:path';
import { promisify } from 'node:util';
import { resolveRendererPath } from '../http/create-admin-app';
import type { CustomScheme } from './electron-api';
import { contentTypeOf } from '../lib/content-types';

/**
 * The window's pages come from this scheme, served from the same renderer build serve mode serves
 * (dist/renderer), instead of file:// (Electron's security checklist, "Avoid usage of the file://
 * protocol and prefer usage of custom protocols"): file:// pages could read any file the protocol
 * reaches, this scheme serves only that folder, and with a header set it controls (the CSP below).
 */
export const APP_SCHEME = 'scimdesk';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The admin UI's page; its screens are hash routes (`#/sync-log`). */
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Standard (relative URLs resolve like https) and secure (a secure context, as on https) so the vite
 * build's ES modules load as they do in serve mode; CORS-enabled because vite marks them crossorigin.
 * Registered before the app is ready, as Electron requires.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

/**
 * The window's Content-Security-Policy: scripts and styles from the app's own files only (Fluent UI
 * injects its styles at run time, hence 'unsafe-inline' for styles alone, as in serve mode); no
 * connections at all, since the admin contract travels over IPC, not fetch; no frames, plugins, forms or
 * base URL. Stricter than serve mode's, whose UI talks to its own origin over HTTP.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Read through the `fs` module's own functions, looked up at call time: Electron patches those to read
// inside the packaged app's asar archive.
const realpath = (path: string) => promisify(fs.realpath)(path);
const stat = (path: string) => promisify(fs.stat)(path);
const readFile = (path: string) => promisify(fs.readFile)(path);

/** Whether a URL is one of the app's own pages (the scheme and host above; any path). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    // Node's URL gives a custom scheme an opaque origin ("null"), so the parts are compared instead.
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

function answer(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': APP_CSP, 'X-Content-Type-Options': 'nosniff' },
  });
}

/**
 * The scheme's handler (`protocol.handle`): a GET of a file inside the renderer build, with the CSP and
 * nosniff headers on every answer; anything else (another host, a path that leaves the folder, a
 * symbolic link out of it, a method other than GET) is refused. A missing build answers 503 saying how
 * to build it, as serve mode does.
 */
export function createRendererResponder(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'Method not allowed');
    if (!isAppUrl(request.url)) return answer(404, 'Not found');
    const relative = new URL(request.url).pathname.replace(/^\//, '');
    const file = resolveRendererPath(rendererDir, relative);
    if (!file) return answer(404, 'Not found');
    let real: string;
    try {
      const [resolved, root] = await Promise.all([realpath(file), realpath(rendererDir)]);
      if (!resolved.startsWith(root + sep) || !(await stat(resolved)).isFile()) return answer(404, 'Not found');
      real = resolved;
    } catch {
      const isIndex = relative === '' || relative === 'index.html';
      return isIndex ? answer(503, 'The admin UI is not built: run `npm run build:renderer` in the ScimDesk folder, then restart ScimDesk.') : answer(404, 'Not found');
    }
    const body = await readFile(real);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': contentTypeOf(real),
        'Content-Length': String(body.length),
        'Content-Security-Policy': APP_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  };
}
