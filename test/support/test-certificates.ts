import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { ensureTenantCa } from '../../scripts/fake-tenant/ensure-ca.mjs';

/**
 * Server certificates for the check-from-outside tests, made with node-forge: signed by the test CA
 * every test process trusts (scripts/run-tests.mjs sets NODE_EXTRA_CA_CERTS to it), or by nobody
 * (self-signed), for the names and dates a case needs.
 */
export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestCertificateOptions {
  /** DNS names and IP addresses (the first is the common name). */
  readonly names: ReadonlyArray<string>;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Signed by itself instead of the test CA. */
  readonly selfSigned?: boolean;
}

const DAY = 86_400_000;

export function issueTestCertificate(options: TestCertificateOptions): TestCertificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 90 * DAY);
  const subject = [{ name: 'commonName', value: options.names[0]! }];
  cert.setSubject(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: options.names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
  ]);
  if (options.selfSigned) {
    cert.setIssuer(subject);
    cert.sign(key, forge.md.sha256.create());
  } else {
    const ca = ensureTenantCa();
    cert.setIssuer(forge.pki.certificateFromPem(ca.certPem).subject.attributes);
    cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  }
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey };
}

/** The same certificate as a PFX, as Settings → HTTPS certificate takes it. */
export function toPfx(certificate: TestCertificate, passphrase: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(certificate.keyPem), [forge.pki.certificateFromPem(certificate.certPem)], passphrase, { algorithm: 'aes256' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
