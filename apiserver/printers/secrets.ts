// Secret rows: a port of printSecret. Only `data` is counted: stringData never reaches storage.

import { size, str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

export const secretPrinter: Printer = {
  columns: [NAME, col('Type', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'Data contains the secret data.'), AGE],
  cells(secret, now) {
    return [
      secret.metadata.name ?? '',
      str(secret, 'type'),
      size(secret, 'data'),
      translateTimestampSince(secret.metadata.creationTimestamp, now),
    ];
  },
};
