import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainTokenError, GraphRequestError, isAbortError, toGraphRequestError } from '../../../main/graph/graph-errors';

/** The shape @azure/identity gives an MSAL server error (captured from the fake tenant run). */
function msalError(code: number, text: string): Error {
  return Object.assign(
    new Error(
      `invalid_client: Error(s): ${code} - Timestamp: 2025-06-01T10:00:00Z - Description: AADSTS${code}: ${text}\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2025-06-01T10:00:00Z - Correlation ID: 3 - Trace ID: 4`,
    ),
    { name: 'AuthenticationRequiredError' },
  );
}

describe('explainTokenError', () => {
  it('maps AADSTS codes to plain advice and keeps only the AADSTS sentence', () => {
    const table = [
      [7000215, /Value \(not its Secret ID\)/],
      [7000222, /expired|New client secret/],
      [700016, /Application \(client\) ID/],
      [90002, /Directory \(tenant\) ID/],
      [700027, /Certificates & secrets/],
      [500011, /Graph URL/],
    ] as const;
    for (const [code, advice] of table) {
      const failure = explainTokenError(msalError(code, 'Something went wrong.'));
      assert.equal(failure.code, `AADSTS${code}`);
      assert.match(failure.advice, advice);
      assert.equal(failure.message, `AADSTS${code}: Something went wrong.`);
    }
  });

  it('explains an unknown AADSTS code, an unknown tenant seen as endpoints_resolution_error, and network failures', () => {
    assert.match(explainTokenError(msalError(123456, 'New thing.')).advice, /AADSTS123456/);
    assert.equal(explainTokenError(new Error('endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details')).code, 'endpoints_resolution_error');
    assert.equal(explainTokenError(new Error('getaddrinfo ENOTFOUND login.example.net')).code, 'network');
  });
});

describe('toGraphRequestError', () => {
  it("keeps Graph's status and error code, and lets AbortErrors through", () => {
    const graphError = Object.assign(new Error('Insufficient privileges to complete the operation.'), { statusCode: 403, code: 'Authorization_RequestDenied', requestId: 'r-1' });
    const mapped = toGraphRequestError(graphError);
    assert.ok(mapped instanceof GraphRequestError);
    assert.deepEqual([mapped.status, mapped.code, mapped.requestId, mapped.isPermissionDenied], [403, 'Authorization_RequestDenied', 'r-1', true]);
    const abort = new DOMException('stop', 'AbortError');
    assert.equal(toGraphRequestError(abort), abort);
    assert.equal(isAbortError(abort), true);
  });
});
