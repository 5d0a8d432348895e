// Go's text/tabwriter as kubectl configures it: tables (get, top, custom-columns)
// use liggitt/tabwriter with minwidth 6, padding 3 and RememberWidths (widths only
// grow across flushes, which is how `get -w` rows stay aligned); describe uses the
// standard one with minwidth 0, padding 2. Reproducing the column-block rule exactly
// is what makes our output line up byte for byte with kubectl's.

/** Width as Go counts it: one per code point, not per UTF-16 unit. */
function runeWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Formats tab-separated text. A cell is text terminated by a tab; the text after
 * the last tab of a line is not a cell and is never padded. A column block is a
 * run of consecutive lines that all have a cell in that column; each block gets
 * the width of its widest cell plus `padding`.
 */
export interface TabwriterOptions {
  padding: number;
  minwidth?: number;
  /** RememberWidths: column widths carried over from earlier calls; updated in place */
  remembered?: number[];
}

export function tabwrite(text: string, options: TabwriterOptions | number): string {
  const { padding, minwidth = 0, remembered } = typeof options === 'number' ? { padding: options } : options;
  const endsWithNewline = text.endsWith('\n');
  const body = endsWithNewline ? text.slice(0, -1) : text;
  if (body === '' && !endsWithNewline) return '';
  const lines = body.split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      let s = '';
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j];
        if (j < widths.length && j < cells.length - 1) s += c + ' '.repeat(Math.max(0, widths[j] - runeWidth(c)));
        else s += c;
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      // lines[i] starts a block of column `column`
      writeLines(line0, i);
      line0 = i;
      let width = minwidth;
      let end = i;
      for (; end < line1; end++) {
        if (column >= lines[end].length - 1) break;
        width = Math.max(width, runeWidth(lines[end][column]) + padding);
      }
      if (remembered) {
        const prev = remembered[column];
        if (prev === undefined || prev < width) remembered[column] = width;
        else width = prev;
      }
      widths.push(width);
      format(line0, end);
      widths.pop();
      line0 = end;
      i = end - 1;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Rows of cells into tabwriter input (every cell but the last is tab-terminated). */
export function rowsToText(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.join('\t')).join('\n') + (rows.length ? '\n' : '');
}

/** kubectl's table layout: columns at least 6 wide, three spaces between them. */
export function formatRows(rows: readonly (readonly string[])[], remembered?: number[]): string {
  return tabwrite(rowsToText(rows), { padding: 3, minwidth: 6, remembered });
}
