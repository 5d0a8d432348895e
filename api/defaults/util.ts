// Small helpers for defaulting untyped JSON in place.
import { Quantity } from '../quantity.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The object at `o[k]`, created empty when missing (Go's non-pointer structs always print). */
export function ensureObj(o: Obj, k: string): Obj {
  if (!isObj(o[k])) o[k] = {};
  return o[k] as Obj;
}

/** Sets `o[k]` only when it is absent (undefined or null), like `if x == nil { x = &v }`. */
export function setDefault(o: Obj, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

/** Sets `o[k]` when it is absent or the empty string, like `if x == "" { x = v }`. */
export function setDefaultString(o: Obj, k: string, v: string): void {
  if (o[k] === undefined || o[k] === null || o[k] === '') o[k] = v;
}

export function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/**
 * A quantity as Kubernetes stores it: parsed, rounded up to milli-units and
 * printed canonically (`0.5` → `500m`, a bare YAML `2` → `"2"`). Unparsable
 * values are left for validation to report.
 */
export function canonicalQuantity(v: unknown): unknown {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  const q = Quantity.tryParse(typeof v === 'number' ? String(v) : v.trim());
  if (!q) return v;
  const milli = q.nanoValue() % 1_000_000n === 0n ? q : Quantity.fromMilli(roundUpMilli(q.nanoValue()), q.format);
  return milli.toString();
}

function roundUpMilli(nanos: bigint): bigint {
  const m = nanos / 1_000_000n;
  return nanos > 0n && nanos % 1_000_000n !== 0n ? m + 1n : m;
}

/** Canonicalizes every quantity of a ResourceList in place. */
export function canonicalResourceList(list: unknown): void {
  if (!isObj(list)) return;
  for (const k of Object.keys(list)) list[k] = canonicalQuantity(list[k]);
}
