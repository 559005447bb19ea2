import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../main/core/create-core';

export interface TestCore {
  readonly core: Core;
  /** SCIM base URL, e.g. http://127.0.0.1:54321/scim/v2 */
  readonly baseUrl: string;
  /** The token generated on first start. */
  readonly token: string;
  readonly dataDir: string;
  /** fetch with the bearer token and SCIM content type set. */
  scim(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts a real core on 127.0.0.1 with an ephemeral port and a scratch data folder. */
export async function startTestCore(options: Partial<CoreOptions> = {}): Promise<TestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'scimdesk-test-'));
  const core = await createCore({ host: '127.0.0.1', port: 0, fileLogs: false, ...options, dataDir });
  const started = await core.start();
  if (!started.firstToken) throw new Error('expected a first token on a new data folder');
  const token = started.firstToken.token;
  const baseUrl = started.scimUrl;
  return {
    core,
    baseUrl,
    token,
    dataDir,
    scim(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/scim+json');
      return fetch(baseUrl + path, { ...init, headers });
    },
    async stop() {
      await core.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
