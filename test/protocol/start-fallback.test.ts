import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliCommand } from '../support/cli-command';

/**
 * `npm start` where Electron's binary is not installed: it says why, then runs the headless service
 * (the same core) with the flags it was given. Where the binary is installed, npm start opens the window
 * instead: the Electron smoke test (test/e2e/electron-shell.test.ts) covers that.
 */
function electronInstalled(): boolean {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path);
  } catch {
    return false;
  }
}

const SKIP = electronInstalled() ? 'the Electron binary is installed here, so npm start opens the window (see the Electron smoke test)' : false;

describe('npm start without Electron', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-start-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says why it cannot open the window and serves headless instead, with the flags it was given', { skip: SKIP }, async () => {
    const child = spawn(process.execPath, [...cliCommand('start'), '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "Press Ctrl+C" line in 30 s:\n${text}`)), 30_000);
        child.stdout.on('data', () => {
          if (text.includes('Press Ctrl+C')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${text}`)));
      });
      const lines = text.split('\n');
      assert.equal(lines[0], 'ScimDesk: the Electron binary is not installed here (it is optional; install it where the desktop app is wanted).');
      assert.equal(lines[1], 'Starting the headless service instead (same core, same data folder).');
      assert.ok(lines.includes(`Data folder: ${dataDir}`), text);
      const endpoint = /^SCIM endpoint: (\S+)$/m.exec(text)?.[1];
      assert.match(endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
      const token = /^Secret token \(shown once\): (\S+)$/m.exec(text)?.[1];
      const answer = await fetch(`${endpoint}/Users`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 200);
      assert.ok(!existsSync(join(dataDir, 'desktop-state.json')), 'nothing of the desktop app ran');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });
});
