// `get -w` rows: kubectl's tabwriter remembers column widths across flushes and
// only ever widens them, so later rows line up with earlier ones where they can.
import { formatRows } from './tabwriter.js';

export class WatchPrinter {
  private readonly widths: number[] = [];

  print(rows: readonly (readonly string[])[]): string {
    return formatRows(rows, this.widths);
  }
}
