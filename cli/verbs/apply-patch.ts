// Client-side apply's three-way strategic merge patch, as apimachinery's
// CreateThreeWayMergePatch builds it: the changes from live to the new config
// (ignoring deletions), plus the deletions from the last-applied config to the new
// one, with `$setElementOrder` for keyed lists, `{"$patch":"delete"}` for removed
// list items, `null` for removed fields and `$retainKeys` where the type asks.
import { fieldPatchMeta, rootType, type FieldPatchMeta } from './patch-schema.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonMap = { [k: string]: Json };

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface DiffOptions {
  ignoreDeletions?: boolean;
  ignoreChangesAndAdditions?: boolean;
  retainKeys?: boolean;
}

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function diffMaps(original: JsonMap, modified: JsonMap, typeName: string | undefined, opts: DiffOptions): JsonMap {
  const patch: JsonMap = {};
  const retain: string[] = [];
  for (const [key, mv] of Object.entries(modified)) {
    if (opts.retainKeys && mv !== null) retain.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    const ov = original[key];
    if (kindOf(ov) !== kindOf(mv)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    const meta = fieldPatchMeta(typeName, key);
    if (isMap(ov) && isMap(mv)) {
      const sub = diffMaps(ov, mv, meta?.type, { ...opts, retainKeys: !!meta?.retainKeys });
      if (Object.keys(sub).length > 0) patch[key] = sub;
    } else if (Array.isArray(ov) && Array.isArray(mv)) {
      diffSlice(key, ov, mv, patch, meta, opts);
    } else if (!opts.ignoreChangesAndAdditions && !deepEqual(ov, mv)) {
      patch[key] = mv;
    }
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  const hasAdditionalNewField = Object.keys(modified).some((k) => modified[k] !== null && !Object.hasOwn(original, k));
  if (retain.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField)) patch.$retainKeys = retain.sort();
  return patch;
}

function keyString(item: Json, mergeKey: string): string {
  const v = isMap(item) ? item[mergeKey] : undefined;
  return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

function diffSlice(key: string, original: Json[], modified: Json[], patch: JsonMap, meta: FieldPatchMeta | undefined, opts: DiffOptions): void {
  if (meta?.strategy !== 'merge') {
    if (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)) patch[key] = modified;
    return;
  }
  if (original.length === 0) {
    if (modified.length > 0 && !opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const sample = modified[0] ?? original[0];
  if (isMap(sample) && meta.mergeKey) {
    const mk = meta.mergeKey;
    const { changes, deletions } = diffListsOfMaps(original, modified, mk, meta.type, opts);
    const list = [...sortLike(changes, modified, mk), ...deletions];
    const orderSame = original.length === modified.length && original.every((o, i) => keyString(o, mk) === keyString(modified[i], mk));
    if (list.length > 0) patch[key] = list;
    if ((!opts.ignoreChangesAndAdditions && (list.length > 0 || !orderSame)) || (!opts.ignoreDeletions && list.length > 0)) {
      patch[`$setElementOrder/${key}`] = modified.map((m) => ({ [mk]: isMap(m) ? (m[mk] ?? null) : null }));
    }
    return;
  }
  // a set of scalars: additions in the list, removals in a parallel directive
  const added = opts.ignoreChangesAndAdditions ? [] : modified.filter((m) => !original.some((o) => deepEqual(o, m)));
  const removed = opts.ignoreDeletions ? [] : original.filter((o) => !modified.some((m) => deepEqual(o, m)));
  if (added.length) patch[key] = added;
  if (removed.length) patch[`$deleteFromPrimitiveList/${key}`] = removed;
  if ((!opts.ignoreDeletions && removed.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified))) {
    patch[`$setElementOrder/${key}`] = modified;
  }
}

function diffListsOfMaps(original: Json[], modified: Json[], mk: string, type: string | undefined, opts: DiffOptions): { changes: Json[]; deletions: Json[] } {
  const byKey = (l: Json[]) => [...l].sort((a, b) => (keyString(a, mk) < keyString(b, mk) ? -1 : keyString(a, mk) > keyString(b, mk) ? 1 : 0));
  const o = byKey(original);
  const m = byKey(modified);
  const changes: Json[] = [];
  const deletions: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const ok = i < o.length ? keyString(o[i], mk) : undefined;
    const mkv = j < m.length ? keyString(m[j], mk) : undefined;
    if (ok !== undefined && mkv !== undefined && ok === mkv) {
      const sub = diffMaps(o[i] as JsonMap, m[j] as JsonMap, type, { ...opts, retainKeys: false });
      if (Object.keys(sub).length > 0) changes.push({ ...sub, [mk]: (m[j] as JsonMap)[mk] });
      i++;
      j++;
    } else if (ok === undefined || (mkv !== undefined && ok > mkv)) {
      if (!opts.ignoreChangesAndAdditions) changes.push(m[j]);
      j++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ $patch: 'delete', [mk]: (o[i] as JsonMap)[mk] ?? null });
      i++;
    }
  }
  return { changes, deletions };
}

/** Patch items in the order their keys have in the new config. */
function sortLike(items: Json[], modified: Json[], mk: string): Json[] {
  const index = (x: Json) => modified.findIndex((m) => keyString(m, mk) === keyString(x, mk));
  return [...items].sort((a, b) => index(a) - index(b));
}

/** Folds the additive `delta` into `deletions` (both patches of the same object). */
function mergePatches(deletions: JsonMap, delta: JsonMap, typeName: string | undefined): JsonMap {
  const out: JsonMap = { ...deletions };
  for (const [k, dv] of Object.entries(delta)) {
    const cur = out[k];
    if (!Object.hasOwn(out, k) || k.startsWith('$')) {
      out[k] = dv;
      continue;
    }
    const meta = fieldPatchMeta(typeName, k);
    if (isMap(cur) && isMap(dv)) {
      out[k] = mergePatches(cur, dv, meta?.type);
    } else if (Array.isArray(cur) && Array.isArray(dv) && meta?.mergeKey) {
      const mk = meta.mergeKey;
      const merged: Json[] = [];
      for (const item of dv) {
        const same = cur.find((c) => isMap(c) && c.$patch === undefined && keyString(c, mk) === keyString(item, mk));
        merged.push(same && isMap(same) && isMap(item) ? mergePatches(same, item, meta.type) : item);
      }
      for (const c of cur) {
        if (!merged.some((x) => keyString(x, mk) === keyString(c, mk) && (isMap(x) ? x.$patch : undefined) === (isMap(c) ? c.$patch : undefined))) merged.push(c);
      }
      out[k] = merged;
    } else if (Array.isArray(cur) && Array.isArray(dv) && meta?.strategy === 'merge') {
      out[k] = [...dv, ...cur.filter((c) => !dv.some((d) => deepEqual(c, d)))];
    } else {
      out[k] = dv;
    }
  }
  return out;
}

/**
 * The strategic merge patch `kubectl apply` sends: from `current` (live) to
 * `modified` (new config with its last-applied annotation), deleting what
 * `original` (the previous last-applied config) had and `modified` dropped.
 */
export function threeWayMergePatch(original: JsonMap, modified: JsonMap, current: JsonMap, kind: string | undefined): JsonMap {
  const type = rootType(kind);
  const delta = diffMaps(current, modified, type, { ignoreDeletions: true });
  const deletions = diffMaps(original, modified, type, { ignoreChangesAndAdditions: true });
  // sorted keys, as Go's encoder writes them, so the bytes match kubectl's
  return sortKeysDeep(mergePatches(deletions, delta, type)) as JsonMap;
}

function sortKeysDeep(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (isMap(v)) {
    const o: JsonMap = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeysDeep(v[k]);
    return o;
  }
  return v;
}

/**
 * The config as apply records it: without the previous annotation (kubectl keeps
 * an empty `annotations: {}` then), serialized with sorted keys and a final
 * newline like kubectl's JSON encoder, then stored in the annotation of the result.
 */
export function withLastApplied(obj: JsonMap): { modified: JsonMap; lastApplied: string } {
  const copy = JSON.parse(JSON.stringify(obj)) as JsonMap;
  const md = (isMap(copy.metadata) ? copy.metadata : (copy.metadata = {})) as JsonMap;
  const annotations = isMap(md.annotations) ? md.annotations : (md.annotations = {});
  delete annotations[LAST_APPLIED];
  const lastApplied = `${JSON.stringify(sortKeysDeep(copy))}\n`;
  const modified = JSON.parse(JSON.stringify(copy)) as JsonMap;
  const mmd = modified.metadata as JsonMap;
  mmd.annotations = { ...(isMap(mmd.annotations) ? mmd.annotations : {}), [LAST_APPLIED]: lastApplied };
  return { modified, lastApplied };
}
