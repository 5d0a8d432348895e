// coordination.k8s.io/v1 Lease rows: a port of printLease.

import { str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

export const leasePrinter: Printer = {
  columns: [NAME, col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), AGE],
  cells(lease, now) {
    return [lease.metadata.name ?? '', str(lease.spec, 'holderIdentity'), translateTimestampSince(lease.metadata.creationTimestamp, now)];
  },
};
