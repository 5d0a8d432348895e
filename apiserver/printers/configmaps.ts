// ConfigMap rows: a port of printConfigMap (Data counts data and binaryData keys).

import { size } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

export const configMapPrinter: Printer = {
  columns: [NAME, col('Data', 'Data contains the configuration data.'), AGE],
  cells(cm, now) {
    return [cm.metadata.name ?? '', size(cm, 'data') + size(cm, 'binaryData'), translateTimestampSince(cm.metadata.creationTimestamp, now)];
  },
};
