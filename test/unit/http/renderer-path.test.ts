import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { resolveRendererPath } from '../../../main/http/create-admin-app';

describe('resolveRendererPath', () => {
  const root = resolve('/srv/scimdesk/renderer');

  it('maps the empty path to index.html and plain paths below the root', () => {
    assert.equal(resolveRendererPath(root, ''), join(root, 'index.html'));
    assert.equal(resolveRendererPath(root, 'index.html'), join(root, 'index.html'));
    assert.equal(resolveRendererPath(root, 'assets/index-Ab12Cd34.js'), join(root, 'assets', 'index-Ab12Cd34.js'));
    assert.equal(resolveRendererPath(root, 'assets/a%20b.css'), join(root, 'assets', 'a b.css'));
  });

  const refused = [
    '..',
    '../package.json',
    '%2e%2e/package.json',
    '%2E%2E/package.json',
    'assets/../../package.json',
    '..%2fpackage.json',
    '..%2Fpackage.json',
    '..%5cpackage.json',
    'assets/..%5c..%5cpackage.json',
    '.',
    './index.html',
    '.env',
    'assets/.hidden',
    'assets/',
    'assets//x.js',
    '%2fetc%2fpasswd',
    'C:%5cWindows%5cwin.ini',
    'index.html%00.js',
    'index.html::$DATA',
    '%E0%A4%A',
  ];
  for (const path of refused) {
    it(`refuses ${JSON.stringify(path)}`, () => {
      assert.equal(resolveRendererPath(root, path), undefined);
    });
  }
});
