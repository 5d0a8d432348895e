// Kubernetes strategic merge patch (application/strategic-merge-patch+json), the
// server half of apimachinery's strategicpatch.StrategicMergePatch: what kubectl
// apply/edit/set/rollout send.

import { PatchError } from './errors.js';
import { deepClone, isPlainObject, type JsonObject } from './json.js';
import { orderMergedList } from './list-order.js';
import { fieldMeta, rootTypeOf, type FieldMeta, type GroupVersionKind } from './merge-keys.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

export function strategicMergePatch(original: unknown, patch: unknown, gvk: GroupVersionKind): unknown {
  if (!isPlainObject(patch)) throw new PatchError('strategic merge patch must be a JSON object', 400);
  // The merge works in place on a private copy; the patch itself is only read.
  const base = isPlainObject(original) ? deepClone(original) : {};
  return mergeMap(base, patch, rootTypeOf(gvk));
}

function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE ||
    key === RETAIN_KEYS ||
    key.startsWith(SET_ELEMENT_ORDER) ||
    key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
  );
}

function directiveList(patch: JsonObject, key: string): unknown[] {
  const value = patch[key];
  if (!Array.isArray(value)) throw new PatchError(`invalid patch: ${key} must be a list, got ${JSON.stringify(value)}`, 400);
  return value;
}

function mergeMap(original: JsonObject, patch: JsonObject, typeName: string | undefined): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'replace') {
      const { [DIRECTIVE]: _replace, ...rest } = patch;
      return mergeMap({}, rest, typeName);
    }
    if (directive === 'delete') return {};
    throw new PatchError(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`, 400);
  }

  applyRetainKeys(original, patch);

  const orders = new Map<string, unknown[]>();
  for (const key of Object.keys(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) {
      orders.set(key.slice(SET_ELEMENT_ORDER.length), directiveList(patch, key));
    } else if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const remove = directiveList(patch, key);
      const current = original[field];
      if (Array.isArray(current)) original[field] = current.filter((v) => !remove.includes(v));
    }
  }

  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete original[key];
      continue;
    }
    const meta = fieldMeta(typeName, key);
    const current = original[key];
    if (isPlainObject(value)) {
      original[key] = mergeMap(isPlainObject(current) ? current : {}, value, meta?.type);
    } else if (Array.isArray(value)) {
      original[key] = mergeList(Array.isArray(current) ? current : [], value, meta, orders.get(key), key);
    } else {
      original[key] = value;
    }
  }

  // `$setElementOrder` alone (no list in the patch) only reorders what the server has.
  for (const [field, order] of orders) {
    const current = original[field];
    if (!Object.hasOwn(patch, field) && Array.isArray(current)) {
      original[field] = mergeList(current, [], fieldMeta(typeName, field), order, field);
    }
  }
  return original;
}

/** `$retainKeys` (union types like DeploymentStrategy, volume sources): drop every other key. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = directiveList(patch, RETAIN_KEYS);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || isDirectiveKey(key)) continue;
    if (!retain.includes(key)) {
      throw new PatchError(`invalid patch: field ${JSON.stringify(key)} is not listed in $retainKeys ${JSON.stringify(retain)}`, 400);
    }
  }
  for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
}

function mergeList(
  current: unknown[],
  patch: readonly unknown[],
  meta: FieldMeta | undefined,
  order: readonly unknown[] | undefined,
  field: string,
): unknown[] {
  if (meta?.strategy !== 'merge') return deepClone([...patch]);
  const all = [...current, ...patch];
  if (all.some(Array.isArray)) throw new PatchError(`cannot merge lists of lists (field ${field})`, 422);
  if (!all.some(isPlainObject)) return mergePrimitiveList(current, patch, order);
  if (!all.every(isPlainObject)) throw new PatchError(`list element types are not identical in field ${field}`, 422);
  if (meta.mergeKey === undefined) throw new PatchError(`cannot merge lists without merge key (field ${field})`, 422);
  return mergeKeyedList(current as JsonObject[], patch as JsonObject[], meta.mergeKey, meta.type, order);
}

function primitiveId(value: unknown): string | undefined {
  return JSON.stringify(value);
}

function mergePrimitiveList(current: unknown[], patch: readonly unknown[], order: readonly unknown[] | undefined): unknown[] {
  const merged: unknown[] = [];
  for (const v of [...current, ...patch]) if (!merged.includes(v)) merged.push(v);
  return orderMergedList(merged, order ?? patch, current, primitiveId);
}

function mergeKeyedList(
  current: JsonObject[],
  patch: readonly JsonObject[],
  mergeKey: string,
  elementType: string | undefined,
  order: readonly unknown[] | undefined,
): JsonObject[] {
  const id = (item: unknown): string | undefined =>
    isPlainObject(item) && Object.hasOwn(item, mergeKey) ? JSON.stringify(item[mergeKey]) : undefined;
  const requireKey = (item: JsonObject): string => {
    const key = id(item);
    if (key === undefined) {
      throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`, 422);
    }
    return key;
  };

  let base = current;
  let replace = false;
  const items: JsonObject[] = [];
  for (const element of patch) {
    const directive = element[DIRECTIVE];
    if (directive === undefined) items.push(element);
    else if (directive === 'delete') {
      const key = requireKey(element);
      base = base.filter((x) => id(x) !== key);
    } else if (directive === 'replace') replace = true;
    else if (directive === 'merge') throw new PatchError('merging lists cannot yet be specified in the patch', 400);
    else throw new PatchError(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(element)}`, 400);
  }
  if (replace) base = [];

  const merged = [...base];
  for (const element of items) {
    const key = requireKey(element);
    const i = merged.findIndex((x) => id(x) === key);
    if (i >= 0) merged[i] = mergeMap(merged[i], element, elementType);
    else merged.push(mergeMap({}, element, elementType));
  }
  return orderMergedList(merged, order ?? items, base, id);
}
