// Namespace rows: a port of printNamespace.

import { str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

export const namespacePrinter: Printer = {
  columns: [NAME, col('Status', 'The status of the namespace'), AGE],
  cells(ns, now) {
    return [ns.metadata.name ?? '', str(ns.status, 'phase'), translateTimestampSince(ns.metadata.creationTimestamp, now)];
  },
};
