// ServiceAccount rows: a port of printServiceAccount.

import { list } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

export const serviceAccountPrinter: Printer = {
  columns: [NAME, col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE],
  cells(sa, now) {
    return [sa.metadata.name ?? '', list(sa, 'secrets').length, translateTimestampSince(sa.metadata.creationTimestamp, now)];
  },
};
