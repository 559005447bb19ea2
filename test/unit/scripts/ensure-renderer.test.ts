import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildNotice, rendererBuildNeed } from '../../../scripts/ensure-renderer.mjs';

describe('ensure-renderer', () => {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-ensure-renderer-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'app.tsx'), 'export {};\n');

  it('says a fresh clone builds the admin UI for its first start, not that its sources changed', () => {
    assert.equal(rendererBuildNeed(root), 'first');
    assert.equal(buildNotice('first'), 'ScimDesk: building the admin UI (first start)…');
  });

  it('rebuilds when a source is newer than the build, and not when the build is current', () => {
    mkdirSync(join(root, 'dist', 'renderer'), { recursive: true });
    const index = join(root, 'dist', 'renderer', 'index.html');
    writeFileSync(index, '<!doctype html>');
    const past = new Date(Date.now() - 60_000);
    utimesSync(index, past, past);
    assert.equal(rendererBuildNeed(root), 'changed');
    assert.equal(buildNotice('changed'), 'ScimDesk: building the admin UI (its sources changed since the last build)…');
    const now = new Date();
    utimesSync(index, now, now);
    assert.equal(rendererBuildNeed(root), null);
  });
});
