import { createPrivateKey, X509Certificate } from 'node:crypto';
import { invalidRequest } from '../../core/errors';

/** What MSAL needs of a certificate credential: the certificate's SHA-256 thumbprint and the private key (PKCS#8 PEM). */
export interface CertificateCredential {
  thumbprintSha256: string;
  privateKey: string;
}

/**
 * Reads a PEM holding a certificate and its private key (in either order). A PEM without both, or whose
 * key does not belong to the certificate, is refused at PUT: unlike a wrong secret, that can be known
 * without asking Entra ID. The messages never quote the PEM.
 */
export function readCertificatePem(pem: string): CertificateCredential {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw invalidRequest('clientCertificate.pem: holds no PEM certificate (-----BEGIN CERTIFICATE-----).');
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw invalidRequest('clientCertificate.pem: holds no unencrypted private key (-----BEGIN PRIVATE KEY-----).');
  }
  if (!certificate.checkPrivateKey(key)) throw invalidRequest('clientCertificate.pem: the private key does not belong to the certificate.');
  return {
    thumbprintSha256: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
