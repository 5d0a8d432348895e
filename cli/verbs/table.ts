// A server-side Table (meta.k8s.io/v1) into kubectl's rows: which columns show,
// the NAMESPACE / LABELS / -L columns kubectl adds, and the `kind.group/` prefix.
import type { ObjectMeta } from '../../api/meta.js';

export interface TableColumn {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: ObjectMeta; [k: string]: unknown };
}

export interface ServerTable {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumn[];
  rows?: TableRow[] | null;
}

export interface TableOptions {
  wide?: boolean;
  /** `-A`: a NAMESPACE column first */
  withNamespace?: boolean;
  showLabels?: boolean;
  /** `-L key`: one column per label key */
  labelColumns?: string[];
  /** `deployment.apps`: prefixes the name column as `deployment.apps/web` */
  kindPrefix?: string;
  noHeaders?: boolean;
}

/** A cell as kubectl prints it: nothing for null, strings cut at the first line break. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') {
    const br = v.search(/[\f\n\r]/);
    return br >= 0 ? `${v.slice(0, br)}...` : v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels as Record<string, string>)[k]}`).join(',');
}

function visibleColumns(table: ServerTable, wide: boolean): number[] {
  const idx: number[] = [];
  table.columnDefinitions.forEach((c, i) => {
    if (wide || !c.priority) idx.push(i);
  });
  return idx;
}

/** The header row, upper-cased like kubectl. */
export function headerRow(table: ServerTable, opts: TableOptions = {}): string[] {
  const row: string[] = [];
  if (opts.withNamespace) row.push('NAMESPACE');
  for (const i of visibleColumns(table, !!opts.wide)) row.push(table.columnDefinitions[i].name.toUpperCase());
  for (const l of opts.labelColumns ?? []) row.push(labelColumnHeader(l));
  if (opts.showLabels) row.push('LABELS');
  return row;
}

/** `-L app.kubernetes.io/name` is headed NAME, like kubectl. */
function labelColumnHeader(key: string): string {
  const slash = key.lastIndexOf('/');
  return (slash >= 0 ? key.slice(slash + 1) : key).toUpperCase();
}

export function bodyRows(table: ServerTable, opts: TableOptions = {}): string[][] {
  const cols = visibleColumns(table, !!opts.wide);
  const nameColumn = table.columnDefinitions.findIndex((c) => c.format === 'name' && (c.type ?? 'string') === 'string');
  return (table.rows ?? []).map((r) => {
    const meta = r.object?.metadata;
    const row: string[] = [];
    if (opts.withNamespace) row.push(meta?.namespace ?? '');
    for (const ci of cols) {
      let text = cellText(r.cells[ci]);
      if (ci === nameColumn && opts.kindPrefix) text = `${opts.kindPrefix}/${text}`;
      row.push(text);
    }
    for (const l of opts.labelColumns ?? []) row.push(meta?.labels?.[l] ?? '');
    if (opts.showLabels) row.push(formatLabels(meta?.labels));
    return row;
  });
}

/** Header (unless suppressed) and body rows, ready for the tabwriter. */
export function tableRows(table: ServerTable, opts: TableOptions = {}): string[][] {
  const body = bodyRows(table, opts);
  return opts.noHeaders ? body : [headerRow(table, opts), ...body];
}

/** `deployment.apps` / `pod`: how kubectl names a kind in prefixes and `-o name`. */
export function kindPrefix(kind: string, group: string): string {
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}
