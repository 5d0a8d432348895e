// The managedFields bookkeeping of non-apply writes as it was before it was optimized
// (string-set field sets re-derived on every write). Kept only as the reference the
// randomized equivalence tests compare the optimized recordUpdateManager against;
// nothing outside tests imports it.
import type { KubeObject, ManagedFieldsEntry } from '../../api/meta.js';
import { deepEqualIgnoringNulls, isPlainObject, type JsonObject } from './json.js';
import { fieldMeta, rootTypeOf, type FieldMeta } from './merge-keys.js';

// Field sets for server-side apply, in the vocabulary of managedFields' FieldsV1:
// a path is a list of elements `f:<field>`, `k:<json of the item's keys>` (an item
// of an associative list), `v:<json value>` (a member of a set-like list). A set is
// stored as the JSON text of each member path so that set operations are cheap.


type FieldPath = readonly string[];
type FieldSet = Set<string>;

const pathKey = (path: FieldPath): string => JSON.stringify(path);

// Path keys repeat across objects of a kind (every pod has the same status paths), so
// their parsed form is memoized; the cache is dropped wholesale when it grows large.
const PARSED_MAX = 20_000;
let parsed = new Map<string, FieldPath>();

/** The path a `pathKey` names; shared and read-only. */
function parsePathKey(key: string): FieldPath {
  let path = parsed.get(key);
  if (path === undefined) {
    if (parsed.size >= PARSED_MAX) parsed = new Map();
    path = Object.freeze(JSON.parse(key) as string[]);
    parsed.set(key, path);
  }
  return path;
}

/** Metadata the server owns; never part of anyone's field set (structured-merge-diff strips these too). */
const SYSTEM_METADATA = [
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
];
const SYSTEM_METADATA_SET = new Set(SYSTEM_METADATA);

/**
 * The part of an object field ownership is tracked for: no apiVersion/kind, no system
 * metadata, and status only when asked (status is written through its subresource).
 */
function ownedContent(obj: unknown, includeStatus: boolean): JsonObject {
  if (!isPlainObject(obj)) return {};
  // copies the wanted keys rather than spreading and deleting (delete makes V8 objects slow)
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status' || key === 'metadata') continue;
    out[key] = obj[key];
  }
  const metadata = obj.metadata;
  if (isPlainObject(metadata)) {
    let meta: JsonObject | undefined;
    for (const key of Object.keys(metadata)) {
      if (SYSTEM_METADATA_SET.has(key)) continue;
      (meta ??= {})[key] = metadata[key];
    }
    if (meta) out.metadata = meta;
  }
  if (includeStatus && obj.status !== undefined) out.status = obj.status;
  return out;
}

/** Identity of an item in an associative list, or undefined when the list is not one. */
function itemKey(item: unknown, meta: FieldMeta | undefined): string | undefined {
  if (meta?.strategy !== 'merge' || meta.mergeKey === undefined || !isPlainObject(item)) return undefined;
  const names = [...(meta.mapKeys ?? [meta.mergeKey])].sort();
  const key: JsonObject = {};
  for (const name of names) {
    const value = item[name] ?? meta.keyDefaults?.[name];
    if (value === undefined || value === null) return undefined;
    key[name] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

/** Lists merged item by item; anything else (missing or duplicate keys included) is atomic. */
function isAssociative(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  const keys = list.map((item) => itemKey(item, meta));
  return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
}

function isPrimitiveSet(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return meta?.strategy === 'merge' && list.every((v) => v === null || typeof v !== 'object');
}

const setMember = (value: unknown): string => `v:${JSON.stringify(value)}`;

/**
 * A path under construction as the text of its key without the closing bracket:
 * `pathKey(path) === prefix + ']'`. Extending it appends text instead of copying
 * and re-serializing the path at every level of a walk.
 */
type KeyPrefix = string;
const ROOT_PREFIX: KeyPrefix = '[';
const extendKey = (prefix: KeyPrefix, element: string): KeyPrefix =>
  (prefix === ROOT_PREFIX ? ROOT_PREFIX : prefix + ',') + JSON.stringify(element);
const closeKey = (prefix: KeyPrefix): string => prefix + ']';
const prefixOf = (path: FieldPath): KeyPrefix => (path.length === 0 ? ROOT_PREFIX : pathKey(path).slice(0, -1));

function collectFieldsAt(value: JsonObject, typeName: string | undefined, out: FieldSet, prefix: KeyPrefix): void {
  for (const field of Object.keys(value)) {
    collectValueAt(value[field], fieldMeta(typeName, field), extendKey(prefix, `f:${field}`), out);
  }
}

function collectValueAt(value: unknown, meta: FieldMeta | undefined, path: KeyPrefix, out: FieldSet): void {
  if (value === null || value === undefined) return;
  if (isPlainObject(value)) {
    collectFieldsAt(value, meta?.type, out, path);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      // An empty mergeable list asserts nothing about its items.
      if (meta?.strategy !== 'merge') out.add(closeKey(path));
    } else if (isAssociative(value, meta)) {
      for (const item of value) {
        const itemPath = extendKey(path, itemKey(item, meta) as string);
        out.add(closeKey(itemPath));
        collectFieldsAt(item as JsonObject, meta?.type, out, itemPath);
      }
    } else if (isPrimitiveSet(value, meta)) {
      for (const v of value) out.add(closeKey(extendKey(path, setMember(v))));
    } else {
      out.add(closeKey(path));
    }
  } else {
    out.add(closeKey(path));
  }
}

// Many objects record the same field sets (every hollow or real kubelet reports the same
// status paths), so encoded trees are memoized by set. They are shared between objects
// and frozen: stored objects are never mutated in place.
const ENCODED_MAX = 2_000;
let encoded = new Map<string, Record<string, unknown>>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Serializes a field set as FieldsV1: `{}` for a leaf, `".": {}` when a node is itself a
 * member and has children. The result is frozen and may be shared with other callers.
 */
function toFieldsV1(set: ReadonlySet<string>): Record<string, unknown> {
  const sorted = [...set].sort();
  const signature = sorted.join('\n');
  let out = encoded.get(signature);
  if (out === undefined) {
    if (encoded.size >= ENCODED_MAX) encoded = new Map();
    out = deepFreeze(encodeFieldsV1(sorted));
    encoded.set(signature, out);
  }
  return out;
}

function encodeFieldsV1(sorted: readonly string[]): Record<string, unknown> {
  interface Node { member: boolean; children: Map<string, Node> }
  const root: Node = { member: false, children: new Map() };
  for (const key of sorted) {
    let node = root;
    for (const element of parsePathKey(key)) {
      let next = node.children.get(element);
      if (!next) node.children.set(element, (next = { member: false, children: new Map() }));
      node = next;
    }
    node.member = true;
  }
  const encode = (node: Node): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (node.member && node.children.size > 0) out['.'] = {};
    for (const [element, child] of node.children) out[element] = encode(child);
    return out;
  };
  return encode(root);
}

/**
 * Whether a FieldsV1 tree has a node at `path`: true whenever a member lies at or below
 * it (every node of a well-formed tree leads to a member), so false proves that no member
 * of the set is `path` or below it.
 */
function hasFieldsNode(fields: unknown, path: FieldPath): boolean {
  let node = fields;
  for (const element of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, element)) return false;
    node = node[element];
  }
  return true;
}

/** Exactly `fromFieldsV1(fields).size > 0`, without building the set. */
function hasFieldsMembers(fields: unknown): boolean {
  const walk = (node: unknown, depth: number): boolean => {
    if (!isPlainObject(node)) return false;
    const keys = Object.keys(node);
    if (depth > 0 && (keys.length === 0 || Object.hasOwn(node, '.'))) return true;
    for (const k of keys) if (k !== '.' && walk(node[k], depth + 1)) return true;
    return false;
  };
  return walk(fields, 0);
}

function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: unknown, path: string[]): void => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || Object.hasOwn(node, '.'))) out.add(pathKey(path));
    for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
  };
  walk(fields, []);
  return out;
}

/** Drops every member equal to or below one of `roots`. */
function withoutSubtrees(set: ReadonlySet<string>, roots: ReadonlySet<string>): FieldSet {
  const out: FieldSet = new Set();
  for (const key of set) {
    const path = parsePathKey(key);
    let covered = false;
    for (let i = 1; i <= path.length && !covered; i++) covered = roots.has(pathKey(path.slice(0, i)));
    if (!covered) out.add(key);
  }
  return out;
}

// What an update (PUT, or a patch that is not apply) changed, as field paths: the
// basis of the `Update` managedFields entries that let later applies detect
// conflicts with e.g. `kubectl scale` or a controller.


interface FieldChanges {
  /** Member paths that were added or got a new value. */
  changed: FieldSet;
  /** Roots of subtrees that no longer exist (or changed shape). */
  removed: FieldSet;
}

/**
 * Map entries set to null count as absent, as if both objects went through `withoutNulls`.
 * Subtrees the two objects share by reference are skipped without being walked.
 */
function diffFields(oldObj: JsonObject, newObj: JsonObject, typeName: string | undefined): FieldChanges {
  const out: FieldChanges = { changed: new Set(), removed: new Set() };
  diffMaps(oldObj, newObj, typeName, ROOT_PREFIX, out);
  return out;
}

const absent = (v: unknown): boolean => v === undefined || v === null;

function diffMaps(o: JsonObject, n: JsonObject, typeName: string | undefined, path: KeyPrefix, out: FieldChanges): void {
  for (const key of Object.keys(o)) {
    diffValues(o[key], n[key], fieldMeta(typeName, key), extendKey(path, `f:${key}`), out);
  }
  for (const key of Object.keys(n)) {
    if (Object.hasOwn(o, key)) continue;
    diffValues(undefined, n[key], fieldMeta(typeName, key), extendKey(path, `f:${key}`), out);
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
  } else if (!deepEqualIgnoringNulls(ov, nv)) {
    replaced(nv, meta, path, out);
  }
}

function replaced(nv: unknown, meta: FieldMeta | undefined, path: KeyPrefix, out: FieldChanges): void {
  out.removed.add(closeKey(path));
  collectValueAt(nv, meta, path, out.changed);
}

function keyedList(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return list.length === 0 ? meta?.strategy === 'merge' && meta.mergeKey !== undefined : isAssociative(list, meta);
}

function setList(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return list.length === 0 ? meta?.strategy === 'merge' && meta.mergeKey === undefined : isPrimitiveSet(list, meta);
}

function diffLists(ol: unknown[], nl: unknown[], meta: FieldMeta | undefined, path: KeyPrefix, out: FieldChanges): void {
  if (keyedList(ol, meta) && keyedList(nl, meta)) {
    const before = new Map(ol.map((item) => [itemKey(item, meta) as string, item]));
    const after = new Set<string>();
    for (const item of nl) {
      const key = itemKey(item, meta) as string;
      after.add(key);
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
  } else if (!deepEqualIgnoringNulls(ol, nl)) {
    replaced(nl, meta, path, out);
  }
}

// Bookkeeping of metadata.managedFields entries shared by apply and updates.


interface Owner {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

function ownersOf(entries: readonly ManagedFieldsEntry[]): Owner[] {
  return entries.map((entry) => ({ entry, fields: fromFieldsV1(entry.fieldsV1) }));
}

function newEntry(
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  time: string,
  fields: FieldSet,
  subresource?: string,
): ManagedFieldsEntry {
  return {
    manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(fields),
    ...(subresource ? { subresource } : {}),
  };
}

/** The owner with a possibly smaller field set; its entry is rewritten only if the set changed. */
function reowned(owner: Owner, fields: FieldSet): Owner {
  if (fields.size === owner.fields.size) return owner;
  return { entry: { ...owner.entry, fieldsV1: toFieldsV1(fields) }, fields };
}

/**
 * The entries in their previous order: `own` replaces the entry `isOwn` matches (or
 * is appended); managers left owning nothing disappear, as in Kubernetes.
 */
function assemble(owners: readonly Owner[], isOwn: (e: ManagedFieldsEntry) => boolean, own: Owner | undefined): ManagedFieldsEntry[] {
  const out: Owner[] = [];
  let placed = false;
  for (const owner of owners) {
    if (isOwn(owner.entry)) {
      if (own) out.push(own);
      placed = true;
    } else out.push(owner);
  }
  if (!placed && own) out.push(own);
  return out.filter((o) => o.fields.size > 0).map((o) => o.entry);
}

function withManagedFields<T extends KubeObject>(obj: T, entries: ManagedFieldsEntry[]): T {
  const metadata = { ...obj.metadata };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}

// `Update` managedFields entries: every non-apply write records what it changed, so
// later applies can detect conflicts with e.g. `kubectl scale` or a controller.
//
// This runs on every write (a pod's create, binding and status each take one), so
// entries the write cannot affect are kept as they are without being parsed: an
// entry is only decoded when the FieldsV1 tree has a node on a changed or removed path.


/**
 * Records `manager`'s non-apply write (create, update, or a merge/json/strategic
 * patch) in managedFields: it now owns what it changed, and nobody else owns that
 * any more (updates always win, as in Kubernetes).
 *
 * `updated` is handed over: the result is `updated` with new metadata.managedFields,
 * and shares every other value with it.
 */
export function referenceRecordUpdateManager(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  now: string,
  apiVersion: string,
  subresource?: string,
): KubeObject {
  const rootType = rootTypeOf({ kind: updated.kind ?? old?.kind ?? '' });
  const withStatus = subresource === 'status';
  const before = old ? ownedContent(old, withStatus) : {};
  const after = ownedContent(updated, withStatus);
  let { changed, removed } = diffFields(before, after, rootType);
  if (withStatus) {
    // Only status is written through the status subresource.
    const statusOnly = (set: FieldSet): FieldSet => new Set([...set].filter((k) => k.startsWith('["f:status"')));
    changed = statusOnly(changed);
    removed = statusOnly(removed);
  }

  // A client that sends managedFields replaces them; one that omits them keeps the stored ones.
  const base = Array.isArray(updated.metadata.managedFields) ? updated.metadata.managedFields : old?.metadata.managedFields ?? [];
  const isOwn = (e: ManagedFieldsEntry): boolean =>
    e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? '');
  const changedPaths = [...changed].map(parsePathKey);
  const removedPaths = [...removed].map(parsePathKey);
  const touchedBy = (e: ManagedFieldsEntry, paths: readonly (readonly string[])[]): boolean =>
    paths.some((p) => hasFieldsNode(e.fieldsV1, p));

  // This manager's entry: what it owned minus removed subtrees, plus everything it changed.
  let own: ManagedFieldsEntry | undefined;
  let ownDone = false;
  const ownEntry = (previous: ManagedFieldsEntry | undefined): ManagedFieldsEntry | undefined => {
    if (ownDone) return own;
    ownDone = true;
    if (previous && changed.size === 0 && !touchedBy(previous, removedPaths)) {
      own = hasFieldsMembers(previous.fieldsV1) ? previous : undefined;
      return own;
    }
    const prev = previous ? ownersOf([previous])[0] : undefined;
    const kept = prev ? withoutSubtrees(prev.fields, removed) : new Set<string>();
    if (changed.size > 0) {
      const fields = new Set([...kept, ...changed]);
      own = newEntry(manager, 'Update', apiVersion, now, fields, subresource);
    } else if (prev && kept.size > 0) {
      own = reowned(prev, kept).entry;
    } else {
      own = undefined;
    }
    return own;
  };

  // Entries in their previous order: this manager's replaces its old one (or is appended);
  // managers left owning nothing disappear, as in Kubernetes.
  const entries: ManagedFieldsEntry[] = [];
  let placed = false;
  for (const entry of base) {
    if (isOwn(entry)) {
      placed = true;
      const e = ownEntry(entry);
      if (e) entries.push(e);
      continue;
    }
    if (!touchedBy(entry, removedPaths) && !touchedBy(entry, changedPaths)) {
      if (hasFieldsMembers(entry.fieldsV1)) entries.push(entry);
      continue;
    }
    const o = ownersOf([entry])[0];
    const kept = reowned(o, new Set([...withoutSubtrees(o.fields, removed)].filter((k) => !changed.has(k))));
    if (kept.fields.size > 0) entries.push(kept.entry);
  }
  if (!placed) {
    const e = ownEntry(undefined);
    if (e) entries.push(e);
  }
  return withManagedFields(updated, entries);
}
