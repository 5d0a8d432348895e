// Defensive readers over untyped object JSON: printers must never throw on a
// half-filled object, and the typed interfaces are owned elsewhere.

export type Path = readonly (string | number)[];

export function at(value: unknown, ...path: Path): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

export function str(value: unknown, ...path: Path): string {
  const v = at(value, ...path);
  return typeof v === 'string' ? v : '';
}

export function optStr(value: unknown, ...path: Path): string | undefined {
  const v = at(value, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function optNum(value: unknown, ...path: Path): number | undefined {
  const v = at(value, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Go's zero value for a missing integer. */
export function num(value: unknown, ...path: Path): number {
  return optNum(value, ...path) ?? 0;
}

export function optBool(value: unknown, ...path: Path): boolean | undefined {
  const v = at(value, ...path);
  return typeof v === 'boolean' ? v : undefined;
}

export function list(value: unknown, ...path: Path): unknown[] {
  const v = at(value, ...path);
  return Array.isArray(v) ? v : [];
}

export function record(value: unknown, ...path: Path): Record<string, unknown> {
  const v = at(value, ...path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function has(value: unknown, ...path: Path): boolean {
  const v = at(value, ...path);
  return v !== undefined && v !== null;
}

/** A map's size, counting only own keys (Go's len(map)). */
export function size(value: unknown, ...path: Path): number {
  return Object.keys(record(value, ...path)).length;
}
