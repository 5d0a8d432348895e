// `-o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image`:
// one JSONPath per column, several matches joined by commas, `<none>` when none.
import { JsonPathError, parseJsonPath, selectValues, type JsonPathTemplate } from './jsonpath.js';

export interface CustomColumn {
  header: string;
  path: string;
  template: JsonPathTemplate;
}

/** kubectl accepts `.a.b`, `a.b` and `{.a.b}` alike. */
function massage(path: string): string {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (!p.startsWith('.') && !p.startsWith('$') && !p.startsWith('@')) p = `.${p}`;
  return `{${p}}`;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === '') throw new JsonPathError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i <= 0) throw new JsonPathError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    const path = part.slice(i + 1);
    return { header: part.slice(0, i), path, template: parseJsonPath(massage(path)) };
  });
}

/** Custom columns from a file: a header line of names and a line of paths. */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length !== 2) throw new JsonPathError(`unexpected lines in custom-columns template, expected 2, got ${lines.length}`);
  const headers = lines[0].split(/\s+/);
  const paths = lines[1].split(/\s+/);
  if (headers.length !== paths.length) {
    throw new JsonPathError(`expected ${headers.length} paths, got ${paths.length}`);
  }
  return headers.map((h, i) => ({ header: h, path: paths[i], template: parseJsonPath(massage(paths[i])) }));
}

/** Go's `%v` of a decoded JSON value: `map[a:b]`, `[x y]`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

export function customColumnRows(columns: CustomColumn[], objects: unknown[], noHeaders = false): string[][] {
  const rows: string[][] = noHeaders ? [] : [columns.map((c) => c.header)];
  for (const obj of objects) {
    rows.push(columns.map((c) => {
      const values = selectValues(c.template, obj);
      return values.length === 0 ? '<none>' : values.map(goValue).join(',');
    }));
  }
  return rows;
}
