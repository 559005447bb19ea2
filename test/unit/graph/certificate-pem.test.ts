import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { CertificateMaterialError, pemToClientCertificate, pfxToClientCertificate } from '../../../main/graph/certificate-pem';
import { createClientCertificate } from '../../../scripts/fake-tenant/scenario';

describe('client certificate material', () => {
  const one = createClientCertificate('First');
  const two = createClientCertificate('Second');

  it('normalises a PEM bundle in either order to certificate + PKCS#8 key, with the thumbprint Entra shows', () => {
    for (const text of [one.combinedPem, `${one.certPem}${one.keyPem}`]) {
      const material = pemToClientCertificate(text);
      assert.match(material.pem, /^-----BEGIN CERTIFICATE-----[\s\S]+-----BEGIN PRIVATE KEY-----/);
      assert.equal(material.info.thumbprint, new X509Certificate(one.certPem).fingerprint.replace(/:/g, ''));
      assert.match(material.info.subject, /CN=First/);
    }
  });

  it('refuses a PEM without key, without certificate, or whose key belongs to another certificate', () => {
    assert.throws(() => pemToClientCertificate(one.certPem), CertificateMaterialError);
    assert.throws(() => pemToClientCertificate(one.keyPem), /no certificate/);
    assert.throws(() => pemToClientCertificate(`${one.certPem}${two.keyPem}`), /does not belong/);
  });

  it('opens a PFX (AES-256 or 3DES) with its password and refuses a wrong password', () => {
    for (const algorithm of ['aes256', '3des'] as const) {
      const pfx = Buffer.from(one.pfxBase64('p@ss', algorithm), 'base64');
      const material = pfxToClientCertificate(pfx, 'p@ss');
      assert.match(material.info.subject, /CN=First/, algorithm);
      assert.ok(material.pem.includes('-----BEGIN PRIVATE KEY-----'));
      assert.throws(() => pfxToClientCertificate(pfx, 'wrong'), /password does not open/, algorithm);
    }
    assert.throws(() => pfxToClientCertificate(Buffer.from('not a pfx'), 'x'), CertificateMaterialError);
  });
});
