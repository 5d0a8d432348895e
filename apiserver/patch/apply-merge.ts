// How server-side apply folds an applied configuration into the live object:
// maps merge, associative lists merge by key, set-like lists are unioned, every
// other list and scalar is replaced. (Removing what the applier stopped
// specifying is a separate step driven by field ownership; see apply.ts.)

import { deepClone, isPlainObject, type JsonObject } from './json.js';
import { orderAppliedList } from './list-order.js';
import { fieldMeta, type FieldMeta } from './merge-keys.js';
import { isAssociative, isPrimitiveSet, itemKey } from './field-set.js';

export function mergeApplied(current: JsonObject, applied: JsonObject, typeName: string | undefined): JsonObject {
  const out: JsonObject = { ...current };
  for (const [key, value] of Object.entries(applied)) {
    out[key] = mergeValue(current[key], value, fieldMeta(typeName, key));
  }
  return out;
}

function mergeValue(current: unknown, applied: unknown, meta: FieldMeta | undefined): unknown {
  if (isPlainObject(applied)) {
    return isPlainObject(current) ? mergeApplied(current, applied, meta?.type) : deepClone(applied);
  }
  if (Array.isArray(applied) && Array.isArray(current) && meta?.strategy === 'merge') {
    // An empty mergeable list asserts nothing about the items others put there.
    if (applied.length === 0) return current;
    if (isAssociative(applied, meta) && isAssociative(current, meta)) return mergeItems(current, applied, meta);
    if (isPrimitiveSet(applied, meta) && isPrimitiveSet(current, meta)) {
      const union = [...current];
      for (const v of applied) if (!union.includes(v)) union.push(v);
      return orderAppliedList(union, applied, current, (v) => JSON.stringify(v));
    }
  }
  return deepClone(applied);
}

function mergeItems(current: unknown[], applied: unknown[], meta: FieldMeta): unknown[] {
  const id = (item: unknown): string | undefined => itemKey(item, meta);
  const merged = [...current];
  for (const item of applied) {
    const i = merged.findIndex((x) => id(x) === id(item));
    if (i >= 0) merged[i] = mergeValue(merged[i], item, { type: meta.type });
    else merged.push(deepClone(item));
  }
  return orderAppliedList(merged, applied, current, id);
}
