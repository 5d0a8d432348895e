// Fallback rows for kinds without a dedicated printer.

import { AGE, NAME } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

export const defaultPrinter: Printer = {
  columns: [NAME, AGE],
  cells(obj, now) {
    return [obj.metadata.name ?? '', translateTimestampSince(obj.metadata.creationTimestamp, now)];
  },
};
