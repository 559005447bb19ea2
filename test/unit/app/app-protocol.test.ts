import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { APP_CSP, APP_ORIGIN, APP_SCHEME_PRIVILEGES, APP_URL, createRendererResponder, isAppUrl } from '../../../main/app/app-protocol';

/** The CSP's directives, by name. */
function directives(csp: string): Map<string, string> {
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));
}

describe("the app's scheme and its Content-Security-Policy", () => {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-protocol-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ScimDesk</title>');
  writeFileSync(join(rendererDir, 'assets', 'index-Ab12Cd34.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer build');
  symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.js'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const respond = createRendererResponder(rendererDir);
  const get = (url: string, method = 'GET') => respond(new Request(url, { method }));

  it('is a standard, secure scheme, so the vite build runs as it does over https', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'scimdesk');
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.secure, true);
  });

  it('allows scripts and styles from the app alone, no connections, frames, plugins, forms or base URL', () => {
    const csp = directives(APP_CSP);
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(csp.get('script-src'), "'self'", 'no inline script, no eval, no remote script');
    assert.equal(csp.get('style-src'), "'self' 'unsafe-inline'", 'Fluent UI injects its styles at run time');
    assert.equal(csp.get('connect-src'), "'none'", 'the admin contract travels over IPC, never fetch');
    for (const name of ['frame-src', 'object-src', 'base-uri', 'form-action', 'frame-ancestors', 'worker-src']) assert.equal(csp.get(name), "'none'", name);
  });

  it('serves the renderer build with the CSP and nosniff on every answer', async () => {
    const index = await get(APP_URL);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('content-security-policy'), APP_CSP);
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await index.text(), '<!doctype html><title>ScimDesk</title>');
    const script = await get(`${APP_ORIGIN}/assets/index-Ab12Cd34.js`);
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8', 'module scripts need a JavaScript type');
    assert.equal((await get(`${APP_ORIGIN}/`)).status, 200, 'the root is the index');
    const missing = await get(`${APP_ORIGIN}/nothing.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-security-policy'), APP_CSP);
  });

  it('refuses paths out of the build, symbolic links out of it, dot-files, other hosts and other methods', async () => {
    for (const url of [
      `${APP_ORIGIN}/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.txt`,
      `${APP_ORIGIN}/assets/%5c..%5c..%5csecret.txt`,
      `${APP_ORIGIN}/assets/link.js`,
      `${APP_ORIGIN}/.env`,
      'scimdesk://other/index.html',
    ]) {
      const answer = await get(url);
      assert.equal(answer.status, 404, url);
      assert.notEqual(await answer.text(), 'outside the renderer build', url);
    }
    assert.equal((await get(APP_URL, 'POST')).status, 405);
  });

  it('says how to build the admin UI when there is no build', async () => {
    const answer = await createRendererResponder(join(root, 'no-build'))(new Request(APP_URL));
    assert.equal(answer.status, 503);
    assert.match(await answer.text(), /npm run build:renderer/);
  });

  it("tells the app's own URLs from any other", () => {
    assert.equal(isAppUrl(APP_URL), true);
    assert.equal(isAppUrl(`${APP_ORIGIN}/assets/x.js?v=1#top`), true);
    for (const url of ['https://app/index.html', 'scimdesk://app.example/index.html', 'scimdesk://x@app/', 'not a url', '']) assert.equal(isAppUrl(url), false, url);
  });
});
