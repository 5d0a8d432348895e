// Public surface of the server-side printers.

export { toTable } from './table.js';
export { printerFor } from './registry.js';
export { humanDuration, translateTimestampSince } from './duration.js';
export type {
  ColumnType,
  IncludeObject,
  PartialObjectMetadata,
  Printer,
  Table,
  TableCell,
  TableColumnDefinition,
  TableListMeta,
  TableOptions,
  TableRow,
  TableRowCondition,
} from './types.js';
