import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * Turns the certificate an admin gives ScimDesk (a PEM with its key, or a .pfx)
 * into what ClientCertificateCredential reads: one PEM string holding the
 * certificate and an unencrypted PKCS#8 private key. Node's crypto has no
 * PKCS#12 parser, so a PFX is opened with node-forge, in memory only: the
 * decrypted key is never written anywhere.
 */

export class CertificateMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateMaterialError';
  }
}

/** What the admin sees of the certificate (the thumbprint is what Entra lists under Certificates & secrets). */
export interface CertificateInfo {
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-1 thumbprint, upper-case hex, as the Entra admin center shows it. */
  readonly thumbprint: string;
}

export interface ClientCertificatePem {
  /** Certificate(s) then PKCS#8 key, PEM. Secret: never log it. */
  readonly pem: string;
  readonly info: CertificateInfo;
}

function describe(certPem: string): CertificateInfo {
  const cert = new X509Certificate(certPem);
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    thumbprint: cert.fingerprint.replace(/:/g, '').toUpperCase(),
  };
}

function matches(certPem: string, keyPem: string): boolean {
  const certKey = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const derived = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return Buffer.compare(certKey, derived) === 0;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/**
 * A PEM bundle (certificate + private key, in any order; the key may be
 * encrypted with `password`) normalised to certificate(s) + PKCS#8 key, with
 * the first certificate checked against the key.
 */
export function pemToClientCertificate(pemText: string, password?: string): ClientCertificatePem {
  const certs = pemText.match(CERT_BLOCK) ?? [];
  const keyMatch = KEY_BLOCK.exec(pemText);
  if (certs.length === 0) throw new CertificateMaterialError('The PEM file holds no certificate (-----BEGIN CERTIFICATE-----).');
  if (!keyMatch) throw new CertificateMaterialError('The PEM file holds no private key: ScimDesk needs the certificate and its private key in one PEM file (or a .pfx).');
  let keyPem: string;
  try {
    keyPem = createPrivateKey({ key: keyMatch[0], format: 'pem', ...(password ? { passphrase: password } : {}) })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
  } catch (error) {
    const message = (error as Error).message;
    if (/passphrase|decrypt|bad decrypt/i.test(message)) throw new CertificateMaterialError('The private key is encrypted and the password does not open it.');
    throw new CertificateMaterialError(`The private key cannot be read: ${message}`);
  }
  const first = certs[0]!;
  if (!matches(first, keyPem)) throw new CertificateMaterialError('The private key does not belong to the (first) certificate in the PEM file.');
  return { pem: `${certs.join('\n')}\n${keyPem}`, info: describe(first) };
}

/**
 * A .pfx (PKCS#12) opened in memory with its password: the certificate whose
 * public key matches the private key first, then the rest of the chain, then
 * the key as PKCS#8. Supports the algorithms Windows and OpenSSL write
 * (AES-256/SHA-256 and legacy 3DES/SHA-1).
 */
export function pfxToClientCertificate(pfx: Buffer, password: string): ClientCertificatePem {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = (error as Error).message;
    if (/mac|password|invalid/i.test(message)) throw new CertificateMaterialError('The password does not open this .pfx file.');
    throw new CertificateMaterialError(`This file is not a usable .pfx (PKCS#12): ${message}`);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const key = keyBags.find((bag) => bag.key)?.key;
  if (!key) throw new CertificateMaterialError('The .pfx file holds no private key: export it again with "Yes, export the private key".');
  const certPems = certBags.filter((bag) => bag.cert).map((bag) => forge.pki.certificateToPem(bag.cert!));
  if (certPems.length === 0) throw new CertificateMaterialError('The .pfx file holds no certificate.');
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key as forge.pki.rsa.PrivateKey)));
  const leafIndex = certPems.findIndex((pem) => matches(pem, keyPem));
  if (leafIndex < 0) throw new CertificateMaterialError('No certificate in the .pfx file matches its private key.');
  const ordered = [certPems[leafIndex]!, ...certPems.filter((_, i) => i !== leafIndex)];
  return { pem: `${ordered.join('\n')}\n${keyPem}`, info: describe(ordered[0]!) };
}
