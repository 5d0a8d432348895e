// field.Error constructors and the Go-style value printing they use, so that a
// 422 cause reads exactly like the one the real apiserver sends
// (`Invalid value: "Foo": <detail>`, `Unsupported value: ...`, ...).
import type { FieldError } from '../errors.js';
import type { LabelSelector } from '../meta.js';

/**
 * A value that already knows how Go's `%#v` would print it (maps, structs);
 * everything else is printed by `goValue`.
 */
export class GoLiteral {
  constructor(readonly text: string) {}
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Prints a bad value as field.Error.ErrorBody does: strings quoted, numbers bare, nil as null. */
export function goValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => quote(x)).join(', ')}}`;
  return JSON.stringify(v);
}

/** `map[string]string{"a":"b", "c":"d"}`: Go prints maps with sorted keys. */
export function goStringMap(m: Record<string, string> | undefined | null): GoLiteral {
  if (m === undefined || m === null) return new GoLiteral('map[string]string(nil)');
  const entries = Object.keys(m).sort().map((k) => `${quote(k)}:${quote(String(m[k]))}`);
  return new GoLiteral(`map[string]string{${entries.join(', ')}}`);
}

/** How a `*metav1.LabelSelector` prints in "field is immutable" errors. */
export function goLabelSelector(ls: LabelSelector | undefined | null): GoLiteral {
  if (ls === undefined || ls === null) return new GoLiteral('null');
  const ml = ls.matchLabels && Object.keys(ls.matchLabels).length > 0 ? goStringMap(ls.matchLabels).text : 'map[string]string(nil)';
  const exprs = ls.matchExpressions ?? [];
  const me = exprs.length === 0
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${exprs.map((e) => {
      const values = e.values ? `[]string{${e.values.map(quote).join(', ')}}` : '[]string(nil)';
      return `v1.LabelSelectorRequirement{Key:${quote(e.key)}, Operator:${quote(e.operator)}, Values:${values}}`;
    }).join(', ')}}`;
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`);
}

/** intstr.IntOrString prints through its String() method: bare, unquoted. */
export function goIntOrString(v: unknown): GoLiteral {
  return new GoLiteral(v === undefined || v === null ? '0' : String(v));
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  const body = `Invalid value: ${goValue(value)}`;
  return { type: 'FieldValueInvalid', field, message: detail ? `${body}: ${detail}` : body };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const body = `Unsupported value: ${goValue(value)}`;
  const detail = supported.length > 0 ? `supported values: ${supported.map(quote).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, message: detail ? `${body}: ${detail}` : body };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, message: `Not found: ${goValue(value)}` };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: detail ? `Forbidden: ${detail}` : 'Forbidden' };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${maxBytes} bytes` };
}

export const IMMUTABLE = 'field is immutable';

/** ValidateImmutableField: reports the new value when it differs semantically from the old. */
export function immutableField(newValue: unknown, oldValue: unknown, field: string, printed: unknown = newValue): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(field, printed, IMMUTABLE)];
}

/** ValidateNonnegativeField. */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

// ---------------------------------------------------------------- paths

export function child(path: string, ...names: string[]): string {
  let p = path;
  for (const n of names) p = p ? `${p}.${n}` : n;
  return p;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** `resources.limits[cpu]`: map keys are printed unquoted in brackets. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

// ---------------------------------------------------------------- shape guards
// Request bodies are untyped JSON: a string where an array belongs must become a
// validation error, never a TypeError (a 500).

export function asArray<T>(v: T[] | undefined | null | unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function asRecord<T = unknown>(v: unknown): Record<string, T> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, T>) : {};
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

// ---------------------------------------------------------------- equality

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

/**
 * apiequality.Semantic.DeepEqual over JSON: absent, null, "", [] and {} are the
 * same (Go's zero values and nil-vs-empty collections compare equal).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}
