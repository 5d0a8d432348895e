// What an update (PUT, or a patch that is not apply) changed, as field paths: the
// basis of the `Update` managedFields entries that let later applies detect
// conflicts with e.g. `kubectl scale` or a controller.

import { deepEqualIgnoringNulls as deepEqual, isPlainObject, type JsonObject } from './json.js';
import { fieldMeta, type FieldMeta } from './merge-keys.js';
import {
  associativeKeys, closeKey, collectFieldsAt, collectValueAt, extendField, extendKey, isPrimitiveSet, ROOT_PREFIX, setMember,
  type FieldSet, type KeyPrefix,
} from './field-set.js';

export interface FieldChanges {
  /** Member paths that were added or got a new value. */
  changed: FieldSet;
  /** Roots of subtrees that no longer exist (or changed shape). */
  removed: FieldSet;
}

/**
 * Map entries set to null count as absent, as if both objects went through `withoutNulls`.
 * Subtrees the two objects share by reference are skipped without being walked.
 */
export function diffFields(oldObj: JsonObject, newObj: JsonObject, typeName: string | undefined): FieldChanges {
  const out: FieldChanges = { changed: new Set(), removed: new Set() };
  diffMaps(oldObj, newObj, typeName, ROOT_PREFIX, out);
  return out;
}

const absent = (v: unknown): boolean => v === undefined || v === null;

function diffMaps(o: JsonObject, n: JsonObject, typeName: string | undefined, path: KeyPrefix, out: FieldChanges): void {
  for (const key of Object.keys(o)) {
    diffValues(o[key], n[key], fieldMeta(typeName, key), extendField(path, key), out);
  }
  for (const key of Object.keys(n)) {
    if (Object.hasOwn(o, key)) continue;
    diffValues(undefined, n[key], fieldMeta(typeName, key), extendField(path, key), out);
  }
}

function diffValues(ov: unknown, nv: unknown, meta: FieldMeta | undefined, path: KeyPrefix, out: FieldChanges): void {
  if (ov === nv) return;
  if (absent(nv)) {
    if (!absent(ov)) out.removed.add(closeKey(path));
  } else if (absent(ov)) {
    collectValueAt(nv, meta, path, out.changed);
  } else if (isPlainObject(ov) && isPlainObject(nv)) {
    diffMaps(ov, nv, meta?.type, path, out);
  } else if (Array.isArray(ov) && Array.isArray(nv)) {
    diffLists(ov, nv, meta, path, out);
  } else if (!deepEqual(ov, nv)) {
    replaced(nv, meta, path, out);
  }
}

function replaced(nv: unknown, meta: FieldMeta | undefined, path: KeyPrefix, out: FieldChanges): void {
  out.removed.add(closeKey(path));
  collectValueAt(nv, meta, path, out.changed);
}

/** The item keys of a list merged item by item (none for an empty mergeable keyed list), or undefined. */
function keyedList(list: readonly unknown[], meta: FieldMeta | undefined): string[] | undefined {
  if (list.length === 0) return meta?.strategy === 'merge' && meta.mergeKey !== undefined ? [] : undefined;
  return associativeKeys(list, meta);
}

function setList(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return list.length === 0 ? meta?.strategy === 'merge' && meta.mergeKey === undefined : isPrimitiveSet(list, meta);
}

function diffLists(ol: unknown[], nl: unknown[], meta: FieldMeta | undefined, path: KeyPrefix, out: FieldChanges): void {
  const oldKeys = keyedList(ol, meta);
  const newKeys = oldKeys === undefined ? undefined : keyedList(nl, meta);
  if (oldKeys !== undefined && newKeys !== undefined && sameKeys(oldKeys, newKeys)) {
    // the usual rewrite (conditions, ports, containers): the same items in the same order
    for (let i = 0; i < nl.length; i++) {
      diffMaps(ol[i] as JsonObject, nl[i] as JsonObject, meta?.type, extendKey(path, newKeys[i]), out);
    }
  } else if (oldKeys !== undefined && newKeys !== undefined) {
    const before = new Map<string, unknown>();
    for (let i = 0; i < ol.length; i++) before.set(oldKeys[i], ol[i]);
    const after = new Set(newKeys);
    for (let i = 0; i < nl.length; i++) {
      const item = nl[i];
      const key = newKeys[i];
      const itemPath = extendKey(path, key);
      const old = before.get(key);
      if (old === undefined) {
        out.changed.add(closeKey(itemPath));
        collectFieldsAt(item as JsonObject, meta?.type, out.changed, itemPath);
      } else {
        diffMaps(old as JsonObject, item as JsonObject, meta?.type, itemPath, out);
      }
    }
    for (const key of before.keys()) if (!after.has(key)) out.removed.add(closeKey(extendKey(path, key)));
  } else if (setList(ol, meta) && setList(nl, meta)) {
    for (const v of nl) if (!ol.includes(v)) out.changed.add(closeKey(extendKey(path, setMember(v))));
    for (const v of ol) if (!nl.includes(v)) out.removed.add(closeKey(extendKey(path, setMember(v))));
  } else if (!deepEqual(ol, nl)) {
    replaced(nl, meta, path, out);
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
