// certificates.k8s.io/v1 CertificateSigningRequest rows: a port of printCertificateSigningRequest.

import type { KubeObject } from '../../api/meta.js';
import { list, optNum, str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { humanDuration, translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

/** Denied beats Approved; Failed and Issued are appended. */
export function csrCondition(csr: KubeObject): string {
  const types = new Set(list(csr.status, 'conditions').map((c) => str(c, 'type')));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (str(csr.status, 'certificate') !== '') status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    NAME,
    AGE,
    col('SignerName', 'signerName indicates the requested signer, and is a qualified name.'),
    col('Requestor', 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block.'),
    col('RequestedDuration', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
    col('Condition', 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".'),
  ],
  cells(csr, now) {
    const seconds = optNum(csr.spec, 'expirationSeconds');
    return [
      csr.metadata.name ?? '',
      translateTimestampSince(csr.metadata.creationTimestamp, now),
      str(csr.spec, 'signerName') || '<none>',
      str(csr.spec, 'username'),
      seconds === undefined ? '<none>' : humanDuration(seconds * 1000),
      csrCondition(csr),
    ];
  },
};
