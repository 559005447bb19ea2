import type { AddressInfo } from 'node:net';
import { connect, createSecureContext, createServer, type TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';

export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

/** What the admin sees of the certificate the endpoint serves. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly fingerprint256: string;
}

/**
 * Opens a PFX with its passphrase and reads the certificate inside. Node has
 * no PKCS#12 parser in `crypto`, so this does what the HTTPS server will do:
 * a TLS handshake on loopback with that PFX, reading the certificate it
 * presents. A wrong passphrase or a file without a key fails here, before the
 * endpoint is touched.
 */
export async function inspectPfx(pfx: Buffer, passphrase: string): Promise<CertificateSummary> {
  try {
    createSecureContext({ pfx, passphrase });
  } catch (error) {
    const message = (error as Error).message;
    if (/mac verify failure|bad decrypt|invalid password/i.test(message)) throw new CertificateError('The passphrase does not open this .pfx file');
    throw new CertificateError(`This file is not a usable .pfx (PKCS#12) certificate with its private key: ${message}`);
  }
  const server = createServer({ pfx, passphrase }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const certificate = await new Promise<X509Certificate>((resolve, reject) => {
      const socket: TLSSocket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const peer = socket.getPeerX509Certificate();
        socket.destroy();
        if (peer) resolve(peer);
        else reject(new CertificateError('The .pfx file holds no certificate'));
      });
      socket.once('error', reject);
    });
    return {
      subject: certificate.subject.replace(/\n/g, ', '),
      issuer: certificate.issuer.replace(/\n/g, ', '),
      validFrom: new Date(certificate.validFrom).toISOString(),
      validTo: new Date(certificate.validTo).toISOString(),
      fingerprint256: certificate.fingerprint256,
    };
  } finally {
    server.close();
  }
}
