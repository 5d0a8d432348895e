// kubectl's JSONPath templates (client-go util/jsonpath): literal text plus
// `{...}` actions — `.a.b`, `[n]`, `[a:b:s]`, `[*]`, `..name`, `['x','y']`,
// `[?(@.k=="v")]`, `"literal"`, `{range ...}…{end}` — printed the way kubectl
// prints them (strings raw, maps and lists as compact JSON, several results
// separated by a space). Missing keys print nothing, as with kubectl's default
// --allow-missing-template-keys=true.

type Segment =
  | { t: 'field'; names: string[] }
  | { t: 'wildcard' }
  | { t: 'recursive'; name: string | '*' }
  | { t: 'index'; indices: number[] }
  | { t: 'slice'; start?: number; end?: number; step?: number }
  | { t: 'filter'; left: Expr; op?: string; right?: Expr | { literal: unknown } };

interface Expr {
  /** `$`: from the root; otherwise from the current value (the root outside a range) */
  fromRoot: boolean;
  segments: Segment[];
}

type Node =
  | { t: 'text'; text: string }
  | { t: 'literal'; text: string }
  | { t: 'expr'; exprs: Expr[] }
  | { t: 'range'; expr: Expr; body: Node[] };

export class JsonPathError extends Error {}

export interface JsonPathTemplate {
  nodes: Node[];
  source: string;
}

export function parseJsonPath(template: string): JsonPathTemplate {
  const tokens = splitTemplate(template);
  const stack: Node[][] = [[]];
  const ranges: Array<{ expr: Expr }> = [];
  for (const tok of tokens) {
    const top = stack[stack.length - 1];
    if (tok.t === 'text') {
      if (tok.text) top.push({ t: 'text', text: tok.text });
      continue;
    }
    const body = tok.text.trim();
    if (body === 'end') {
      if (ranges.length === 0) throw new JsonPathError(`not in range, nothing to end`);
      const r = ranges.pop() as { expr: Expr };
      const inner = stack.pop() as Node[];
      stack[stack.length - 1].push({ t: 'range', expr: r.expr, body: inner });
      continue;
    }
    if (/^range\s/.test(body)) {
      ranges.push({ expr: parseExpr(body.slice(5).trim(), template) });
      stack.push([]);
      continue;
    }
    top.push(...parseAction(body, template));
  }
  if (ranges.length) throw new JsonPathError(`unclosed action`);
  return { nodes: stack[0], source: template };
}

/** Splits on `{...}`, honouring quotes inside actions. */
function splitTemplate(s: string): Array<{ t: 'text' | 'action'; text: string }> {
  const out: Array<{ t: 'text' | 'action'; text: string }> = [];
  let i = 0;
  let text = '';
  while (i < s.length) {
    const c = s[i];
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    out.push({ t: 'text', text });
    text = '';
    let j = i + 1;
    let quote: string | undefined;
    let depth = 0;
    for (; j < s.length; j++) {
      const d = s[j];
      if (quote) {
        if (d === '\\') j++;
        else if (d === quote) quote = undefined;
        continue;
      }
      if (d === '"' || d === "'") quote = d;
      else if (d === '[' || d === '(') depth++;
      else if (d === ']' || d === ')') depth--;
      else if (d === '}' && depth <= 0) break;
    }
    if (j >= s.length) throw new JsonPathError(`unclosed action`);
    out.push({ t: 'action', text: s.slice(i + 1, j) });
    i = j + 1;
  }
  out.push({ t: 'text', text });
  return out;
}

/** One action may hold several space-free pieces: `{.a}`, `{"x"}`, `{.a.b[0]}`. */
function parseAction(body: string, template: string): Node[] {
  if (body === '') return [];
  const nodes: Node[] = [];
  let rest = body;
  while (rest.length) {
    rest = rest.trimStart();
    if (!rest) break;
    if (rest[0] === '"' || rest[0] === "'") {
      const { value, length } = readQuoted(rest, 0);
      nodes.push({ t: 'literal', text: value });
      rest = rest.slice(length);
      continue;
    }
    // an expression runs to the next unbracketed space or comma
    let j = 0;
    let depth = 0;
    let quote: string | undefined;
    for (; j < rest.length; j++) {
      const d = rest[j];
      if (quote) {
        if (d === '\\') j++;
        else if (d === quote) quote = undefined;
        continue;
      }
      if (d === '"' || d === "'") quote = d;
      else if (d === '[' || d === '(') depth++;
      else if (d === ']' || d === ')') depth--;
      else if (depth === 0 && (d === ' ' || d === ',')) break;
      else if (d === '\\') j++;
    }
    const piece = rest.slice(0, j);
    rest = rest.slice(j);
    const exprs = [parseExpr(piece, template)];
    // `{.a,.b}`: a union at the top level
    while (rest.startsWith(',')) {
      rest = rest.slice(1);
      let k = 0;
      while (k < rest.length && rest[k] !== ',' && rest[k] !== ' ') k++;
      exprs.push(parseExpr(rest.slice(0, k), template));
      rest = rest.slice(k);
    }
    nodes.push({ t: 'expr', exprs });
  }
  return nodes;
}

function readQuoted(s: string, at: number): { value: string; length: number } {
  const q = s[at];
  let value = '';
  let i = at + 1;
  for (; i < s.length && s[i] !== q; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      i++;
      const e = s[i];
      value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
    } else {
      value += s[i];
    }
  }
  if (i >= s.length) throw new JsonPathError(`unterminated quoted string`);
  return { value, length: i + 1 - at };
}

function parseExpr(src: string, template: string): Expr {
  let i = 0;
  let fromRoot = false;
  if (src[0] === '$') {
    fromRoot = true;
    i = 1;
  } else if (src[0] === '@') {
    i = 1;
  }
  const segments: Segment[] = [];
  const fail = (why: string): never => {
    throw new JsonPathError(`error parsing jsonpath ${template}, ${why}`);
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '.') {
      if (src[i + 1] === '.') {
        i += 2;
        const { name, next } = readName(src, i);
        segments.push({ t: 'recursive', name: name === '*' ? '*' : name });
        i = next;
        continue;
      }
      i++;
      if (i >= src.length) break; // `{.}`: the current value
      const { name, next } = readName(src, i);
      if (name === '') fail(`unrecognized character in action: ${JSON.stringify(src[i])}`);
      segments.push(name === '*' ? { t: 'wildcard' } : { t: 'field', names: [name] });
      i = next;
      continue;
    }
    if (c === '[') {
      const close = findClose(src, i);
      if (close < 0) fail('unterminated array');
      segments.push(parseBracket(src.slice(i + 1, close), template, fail));
      i = close + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c) && i === 0) {
      // `metadata.name` without a leading dot (custom-columns spells it so)
      const { name, next } = readName(src, i);
      segments.push({ t: 'field', names: [name] });
      i = next;
      continue;
    }
    fail(`unrecognized character in action: ${JSON.stringify(c)}`);
  }
  return { fromRoot, segments };
}

function readName(src: string, at: number): { name: string; next: number } {
  let name = '';
  let i = at;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      name += src[++i];
      continue;
    }
    if (c === '.' || c === '[' || c === ' ' || c === ',' || c === ')' || c === '=' || c === '!' || c === '<' || c === '>') break;
    name += c;
  }
  return { name, next: i };
}

function findClose(src: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

function parseBracket(inner: string, template: string, fail: (why: string) => never): Segment {
  const s = inner.trim();
  if (s === '*') return { t: 'wildcard' };
  if (s.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(s);
    if (!m) fail(`invalid filter ${JSON.stringify(s)}`);
    return parseFilter((m as RegExpExecArray)[1].trim(), template, fail);
  }
  if (s[0] === "'" || s[0] === '"') {
    const names: string[] = [];
    let i = 0;
    while (i < s.length) {
      const { value, length } = readQuoted(s, i);
      names.push(value);
      i += length;
      while (s[i] === ' ' || s[i] === ',') i++;
    }
    return { t: 'field', names };
  }
  if (s.includes(':')) {
    const parts = s.split(':').map((p) => p.trim());
    if (parts.length > 3) fail(`invalid array index ${s}`);
    const num = (p: string | undefined): number | undefined => {
      if (p === undefined || p === '') return undefined;
      if (!/^-?\d+$/.test(p)) fail(`invalid array index ${p}`);
      return Number(p);
    };
    return { t: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
  }
  const indices = s.split(',').map((p) => p.trim());
  if (indices.some((p) => !/^-?\d+$/.test(p))) fail(`invalid array index ${s}`);
  return { t: 'index', indices: indices.map(Number) };
}

function parseFilter(s: string, template: string, fail: (why: string) => never): Segment {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*)$/s.exec(s);
  if (!m) return { t: 'filter', left: parseExpr(s, template) };
  const [, l, op, r] = m;
  const left = parseExpr(l.trim(), template);
  const rs = r.trim();
  let right: Expr | { literal: unknown };
  if (rs[0] === '"' || rs[0] === "'") right = { literal: readQuoted(rs, 0).value };
  else if (/^-?\d+(\.\d+)?$/.test(rs)) right = { literal: Number(rs) };
  else if (rs === 'true' || rs === 'false') right = { literal: rs === 'true' };
  else if (rs[0] === '@' || rs[0] === '$' || rs[0] === '.') right = parseExpr(rs, template);
  else fail(`unrecognized filter operand ${rs}`);
  return { t: 'filter', left, op, right: right! };
}

// ---- evaluation ----

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evalExpr(expr: Expr, root: unknown, current: unknown): unknown[] {
  let values: unknown[] = [expr.fromRoot ? root : current];
  for (const seg of expr.segments) values = values.flatMap((v) => step(seg, v, root));
  return values;
}

function step(seg: Segment, v: unknown, root: unknown): unknown[] {
  switch (seg.t) {
    case 'field':
      if (!isObj(v)) return [];
      return seg.names.filter((n) => Object.hasOwn(v, n)).map((n) => v[n]);
    case 'wildcard':
      if (Array.isArray(v)) return v;
      if (isObj(v)) return Object.keys(v).sort().map((k) => v[k]);
      return [];
    case 'recursive':
      return recurse(v, seg.name);
    case 'index': {
      if (!Array.isArray(v)) return [];
      const out: unknown[] = [];
      for (const i of seg.indices) {
        const at = i < 0 ? v.length + i : i;
        if (at >= 0 && at < v.length) out.push(v[at]);
      }
      return out;
    }
    case 'slice': {
      if (!Array.isArray(v)) return [];
      const n = v.length;
      const norm = (x: number | undefined, d: number) => (x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x));
      const start = norm(seg.start, 0);
      const end = norm(seg.end, n);
      const stepBy = seg.step && seg.step > 0 ? seg.step : 1;
      const out: unknown[] = [];
      for (let i = start; i < end; i += stepBy) out.push(v[i]);
      return out;
    }
    case 'filter': {
      const items = Array.isArray(v) ? v : isObj(v) ? Object.keys(v).sort().map((k) => v[k]) : [];
      return items.filter((item) => matchFilter(seg, item, root));
    }
  }
}

function recurse(v: unknown, name: string): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
    } else if (isObj(x)) {
      for (const k of Object.keys(x).sort()) {
        if (name === '*' || k === name) out.push(x[k]);
        walk(x[k]);
      }
    }
  };
  walk(v);
  return out;
}

function matchFilter(seg: Extract<Segment, { t: 'filter' }>, item: unknown, root: unknown): boolean {
  const left = evalExpr({ ...seg.left, fromRoot: seg.left.fromRoot }, root, item);
  if (!seg.op) return left.length > 0;
  const right = seg.right && 'literal' in seg.right ? [seg.right.literal] : evalExpr(seg.right as Expr, root, item);
  if (left.length === 0 || right.length === 0) return false;
  const a = left[0];
  const b = right[0];
  switch (seg.op) {
    case '==':
      return compare(a, b) === 0;
    case '!=':
      return compare(a, b) !== 0;
    case '<':
      return compare(a, b) < 0;
    case '>':
      return compare(a, b) > 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>=':
      return compare(a, b) >= 0;
    case '=~':
      return new RegExp(String(b)).test(String(a));
    default:
      return false;
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Go's fmt.Print for scalars, compact JSON (sorted keys) for maps and lists. */
export function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(sortKeys(v));
}

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** The values one expression selects (custom-columns uses this directly). */
export function selectValues(template: JsonPathTemplate, data: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (nodes: Node[], current: unknown) => {
    for (const n of nodes) {
      if (n.t === 'expr') for (const e of n.exprs) out.push(...evalExpr(e, data, current));
      else if (n.t === 'range') for (const item of evalExpr(n.expr, data, current)) walk(n.body, item);
    }
  };
  walk(template.nodes, data);
  return out;
}

export function executeJsonPath(template: JsonPathTemplate, data: unknown): string {
  let out = '';
  const walk = (nodes: Node[], current: unknown) => {
    for (const n of nodes) {
      switch (n.t) {
        case 'text':
        case 'literal':
          out += n.text;
          break;
        case 'expr': {
          const results = n.exprs.flatMap((e) => evalExpr(e, data, current));
          out += results.map(printValue).join(' ');
          break;
        }
        case 'range':
          for (const item of evalExpr(n.expr, data, current)) walk(n.body, item);
          break;
      }
    }
  };
  walk(template.nodes, data);
  return out;
}

/** Parses and runs in one go. */
export function jsonpath(template: string, data: unknown): string {
  return executeJsonPath(parseJsonPath(template), data);
}
