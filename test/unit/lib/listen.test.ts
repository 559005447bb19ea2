import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { closeServer, describeListenError, listenOn } from '../../../main/lib/listen';

describe('listen helpers', () => {
  it('reject a taken port with EADDRINUSE, worded for an admin, and close what they opened', async () => {
    const first = createServer();
    await listenOn(first, 0, '127.0.0.1');
    const port = (first.address() as AddressInfo).port;
    const second = createServer();
    const error = await listenOn(second, port, '127.0.0.1').then(
      () => assert.fail('a second bind of one port must fail'),
      (reason: unknown) => reason,
    );
    assert.deepEqual(describeListenError(error, '127.0.0.1', port), { problem: 'inUse', message: `Port ${port} on 127.0.0.1 is already in use` });
    await closeServer(Object.assign(first, { closeAllConnections: () => undefined }));
    assert.equal(first.listening, false);
  });

  it('name the other bind failures and leave any other error alone', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(describeListenError(coded('EADDRNOTAVAIL'), '10.9.9.9', 8631)?.message, 'This machine has no address 10.9.9.9');
    assert.equal(describeListenError(coded('EACCES'), '0.0.0.0', 443)?.problem, 'forbidden');
    assert.equal(describeListenError(coded('ECONNRESET'), '127.0.0.1', 1), undefined);
    assert.equal(describeListenError(new Error('plain'), '127.0.0.1', 1), undefined);
  });
});
