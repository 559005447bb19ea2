import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface SelfSignedPfx {
  /** PKCS#12 with the key and certificate, as the endpoint's certificate path takes it. */
  readonly pfx: Buffer;
  /** A random passphrase for it (the endpoint keeps it in the secret store). */
  readonly passphrase: string;
}

/**
 * A self-signed certificate for testing HTTPS on this machine or network: RSA 2048, SHA-256, the
 * given names (DNS names and IP addresses) as subject alternative names, for serverAuth. Entra
 * refuses self-signed certificates, so it never makes a Tenant URL Entra accepts; it lets an admin
 * try HTTPS with curl or the provisioning agent before a real certificate arrives. node:crypto makes
 * the key (fast, native); node-forge builds the certificate and the PFX (Node has no builder for either).
 */
export function createSelfSignedPfx(options: { readonly names: ReadonlyArray<string>; readonly days: number; readonly now: Date }): SelfSignedPfx {
  const names = [...new Set(options.names.map((name) => name.trim()).filter(Boolean))];
  if (names.length === 0) throw new RangeError('A certificate needs at least one name');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  // An hour back: a client whose clock runs a little behind still accepts it.
  cert.validity.notBefore = new Date(options.now.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(options.now.getTime() + options.days * 86_400_000);
  const subject = [
    { name: 'commonName', value: names[0]! },
    { name: 'organizationName', value: 'ScimDesk self-signed (testing only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const passphrase = randomBytes(24).toString('base64url');
  // AES-256 and SHA-256: OpenSSL 3 (Node's) no longer opens the RC2/3DES PKCS#12 files of old tools.
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: 'aes256', generateLocalKeyId: true, friendlyName: `ScimDesk ${names[0]}` });
  return { pfx: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), passphrase };
}
