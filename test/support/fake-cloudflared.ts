import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../fixtures/fake-cloudflared/fake-cloudflared.mjs', import.meta.url));

export interface FakeCloudflared {
  /** The folder holding the `cloudflared` executable, to put first on PATH. */
  readonly binDir: string;
  /** PATH with the fake first, and the fake's own settings. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Every start so far: its pid, arguments, and whether the token came in TUNNEL_TOKEN. */
  invocations(): Array<{ pid: number; argv: string[]; tokenInEnv: boolean }>;
  remove(): void;
}

/**
 * Puts a fake `cloudflared` (test/fixtures/fake-cloudflared) in a fresh folder: a shell script named
 * like the real program that runs the fake with this Node, so a process given this PATH finds it the
 * way ScimDesk finds the real one.
 */
export function installFakeCloudflared(): FakeCloudflared {
  const root = mkdtempSync(join(tmpdir(), 'scimdesk-cloudflared-'));
  const binDir = join(root, 'bin');
  const stateDir = join(root, 'state');
  mkdirSync(binDir);
  mkdirSync(stateDir);
  const executable = join(binDir, 'cloudflared');
  writeFileSync(executable, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SCRIPT)} "$@"\n`);
  chmodSync(executable, 0o755);
  return {
    binDir,
    env: (extra = {}) => ({ ...process.env, PATH: `${binDir}${delimiter}${process.env['PATH'] ?? ''}`, FAKE_CLOUDFLARED_STATE: stateDir, ...extra }),
    invocations: () => {
      const file = join(stateDir, 'invocations.jsonl');
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { pid: number; argv: string[]; tokenInEnv: boolean }) : [];
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A tunnel token as the Cloudflare dashboard gives it: base64 of {a: account, t: tunnel id, s: secret}. */
export function cloudflareToken(secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', tunnelId = '6ff42ae2-765d-4adf-8112-31c55c1551ef'): string {
  return Buffer.from(JSON.stringify({ a: '0123456789abcdef0123456789abcdef', t: tunnelId, s: secret })).toString('base64');
}
