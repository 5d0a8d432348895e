// Issuing a certificate for a PKCS#10 request with the cluster CA: what the
// controller-manager's CSR signer does. The subject comes from the request only after
// its self-signature proves the requester holds the key.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { signPublicKey, type CertRequest, type KeyPairPem } from './pki.js';

const DAY_S = 86_400;

/** The request itself is unusable (as opposed to a problem with the CA): retrying cannot help. */
export class InvalidCsrError extends Error {
  override name = 'InvalidCsrError';
}

export interface SignCsrOptions {
  usage: CertRequest['usage'];
  /** lifetime; capped at the CA's own expiry */
  expirationSeconds?: number;
  /** subject alternative names of a serving certificate, as the (validated) request asked */
  dnsNames?: string[];
  ipAddresses?: string[];
  now?: Date;
}

export async function signCsr(ca: KeyPairPem, csrPem: string, o: SignCsrOptions): Promise<string> {
  let req: x509.Pkcs10CertificateRequest;
  try {
    req = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (e) {
    throw new InvalidCsrError(`unable to parse certificate request: ${(e as Error).message}`);
  }
  const verified = await req.verify().catch(() => false);
  if (!verified) throw new InvalidCsrError('certificate request signature does not verify');
  const commonName = req.subjectName.getField('CN')[0];
  if (!commonName) throw new InvalidCsrError('certificate request has no common name');
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = (o.now ?? new Date()).getTime();
  const caLeftS = Math.floor((caCert.notAfter.getTime() - now) / 1000);
  if (caLeftS <= 0) throw new Error('the signing CA has expired');
  const lifetimeS = Math.min(o.expirationSeconds ?? 365 * DAY_S, caLeftS);
  const publicKey = await req.publicKey.export().catch((e: unknown) => {
    throw new InvalidCsrError(`unsupported public key in certificate request: ${(e as Error).message}`);
  });
  return signPublicKey(ca, publicKey, {
    commonName,
    organizations: req.subjectName.getField('O'),
    usage: o.usage,
    days: lifetimeS / DAY_S,
    dnsNames: o.dnsNames,
    ipAddresses: o.ipAddresses,
  });
}
