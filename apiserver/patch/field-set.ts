// Field sets for server-side apply, in the vocabulary of managedFields' FieldsV1:
// a path is a list of elements `f:<field>`, `k:<json of the item's keys>` (an item
// of an associative list), `v:<json value>` (a member of a set-like list). A set is
// stored as the JSON text of each member path so that set operations are cheap.

import { deepEqual, isPlainObject, type JsonObject } from './json.js';
import { fieldMeta, type FieldMeta } from './merge-keys.js';

export type FieldPath = readonly string[];
export type FieldSet = Set<string>;

export const pathKey = (path: FieldPath): string => JSON.stringify(path);

// Path keys repeat across objects of a kind (every pod has the same status paths), so
// their parsed form is memoized; the cache is dropped wholesale when it grows large.
const PARSED_MAX = 20_000;
let parsed = new Map<string, FieldPath>();

/** The path a `pathKey` names; shared and read-only. */
export function parsePathKey(key: string): FieldPath {
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
export function ownedContent(obj: unknown, includeStatus: boolean): JsonObject {
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

// The sorted key names of each list schema with the JSON text that precedes each one's
// value in an item key (`{"name":`, `,"protocol":`), computed once: itemKey runs for every
// item of every keyed list on every write.
interface KeyNames { names: readonly string[]; heads: readonly string[] }
const sortedKeyNames = new WeakMap<FieldMeta, KeyNames>();

function keyNamesOf(meta: FieldMeta & { mergeKey: string }): KeyNames {
  let names = sortedKeyNames.get(meta);
  if (names === undefined) {
    const sorted = [...(meta.mapKeys ?? [meta.mergeKey])].sort();
    names = Object.freeze({ names: sorted, heads: sorted.map((n, i) => `${i === 0 ? '{' : ','}${JSON.stringify(n)}:`) });
    sortedKeyNames.set(meta, names);
  }
  return names;
}

/**
 * Identity of an item in an associative list, or undefined when the list is not one:
 * `k:` and the JSON text of an object of the key fields in sorted order, written out
 * piece by piece rather than built as an object and serialized.
 */
export function itemKey(item: unknown, meta: FieldMeta | undefined): string | undefined {
  if (meta?.strategy !== 'merge' || meta.mergeKey === undefined || !isPlainObject(item)) return undefined;
  const { names, heads } = keyNamesOf(meta as FieldMeta & { mergeKey: string });
  let text = 'k:';
  for (let i = 0; i < names.length; i++) {
    const value = item[names[i]] ?? meta.keyDefaults?.[names[i]];
    if (value === undefined || value === null) return undefined;
    text += heads[i] + JSON.stringify(value);
  }
  return text + '}';
}

/**
 * The item keys of an associative list in item order, or undefined when the list is not
 * one (an item without its keys, or two items with the same): isAssociative and the keys
 * its callers need next, from one pass.
 */
export function associativeKeys(list: readonly unknown[], meta: FieldMeta | undefined): string[] | undefined {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const key = itemKey(item, meta);
    if (key === undefined || seen.has(key)) return undefined;
    seen.add(key);
    keys.push(key);
  }
  return keys;
}

/** Lists merged item by item; anything else (missing or duplicate keys included) is atomic. */
export function isAssociative(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return associativeKeys(list, meta) !== undefined;
}

export function isPrimitiveSet(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return meta?.strategy === 'merge' && list.every((v) => v === null || typeof v !== 'object');
}

export const setMember = (value: unknown): string => `v:${JSON.stringify(value)}`;

/**
 * A path under construction as the text of its key without the closing bracket:
 * `pathKey(path) === prefix + ']'`. Extending it appends text instead of copying
 * and re-serializing the path at every level of a walk.
 */
export type KeyPrefix = string;
export const ROOT_PREFIX: KeyPrefix = '[';
// The JSON text of path elements repeats endlessly (`"f:metadata"`, the keys of conditions),
// so it is memoized; the cache is dropped wholesale when it grows large.
const QUOTED_MAX = 50_000;
let quoted = new Map<string, string>();

function quote(element: string): string {
  let text = quoted.get(element);
  if (text === undefined) {
    if (quoted.size >= QUOTED_MAX) quoted = new Map();
    text = JSON.stringify(element);
    quoted.set(element, text);
  }
  return text;
}

export const extendKey = (prefix: KeyPrefix, element: string): KeyPrefix =>
  (prefix === ROOT_PREFIX ? ROOT_PREFIX : prefix + ',') + quote(element);

// The JSON text of `f:<field>` by field name: field names come from Object.keys, so the
// lookup needs neither the `f:` string built nor its hash computed.
let quotedFields = new Map<string, string>();

/** `extendKey(prefix, \`f:${field}\`)` */
export function extendField(prefix: KeyPrefix, field: string): KeyPrefix {
  let text = quotedFields.get(field);
  if (text === undefined) {
    if (quotedFields.size >= QUOTED_MAX) quotedFields = new Map();
    text = JSON.stringify(`f:${field}`);
    quotedFields.set(field, text);
  }
  return (prefix === ROOT_PREFIX ? ROOT_PREFIX : prefix + ',') + text;
}
export const closeKey = (prefix: KeyPrefix): string => prefix + ']';
const prefixOf = (path: FieldPath): KeyPrefix => (path.length === 0 ? ROOT_PREFIX : pathKey(path).slice(0, -1));

/** Adds to `out` every field path set in `value` (a map of schema type `typeName`). */
export function collectFields(value: JsonObject, typeName: string | undefined, out: FieldSet, prefix: FieldPath = []): FieldSet {
  collectFieldsAt(value, typeName, out, prefixOf(prefix));
  return out;
}

/** Adds the member paths of one field value at `path`. */
export function collectValue(value: unknown, meta: FieldMeta | undefined, path: FieldPath, out: FieldSet): void {
  collectValueAt(value, meta, prefixOf(path), out);
}

export function collectFieldsAt(value: JsonObject, typeName: string | undefined, out: FieldSet, prefix: KeyPrefix): void {
  for (const field of Object.keys(value)) {
    collectValueAt(value[field], fieldMeta(typeName, field), extendField(prefix, field), out);
  }
}

export function collectValueAt(value: unknown, meta: FieldMeta | undefined, path: KeyPrefix, out: FieldSet): void {
  if (value === null || value === undefined) return;
  let keys: string[] | undefined;
  if (isPlainObject(value)) {
    collectFieldsAt(value, meta?.type, out, path);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      // An empty mergeable list asserts nothing about its items.
      if (meta?.strategy !== 'merge') out.add(closeKey(path));
    } else if ((keys = associativeKeys(value, meta)) !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const itemPath = extendKey(path, keys[i]);
        out.add(closeKey(itemPath));
        collectFieldsAt(value[i] as JsonObject, meta?.type, out, itemPath);
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

/** Every leaf of every encoded tree: frozen, so one object serves them all. */
const LEAF: Record<string, unknown> = Object.freeze({});

/**
 * Serializes a field set as FieldsV1: `{}` for a leaf, `".": {}` when a node is itself a
 * member and has children. The result is frozen and may be shared with other callers.
 */
export function toFieldsV1(set: ReadonlySet<string>): Record<string, unknown> {
  // Keyed by the members in insertion order, which the same write on objects of the same
  // shape repeats, so a hit costs no sort; the same set in another order merely gets its
  // own (equal) entry. Sorting happens on a miss, and decides the encoding.
  const members = [...set];
  const signature = members.join('\n');
  let out = encoded.get(signature);
  if (out === undefined) {
    if (encoded.size >= ENCODED_MAX) encoded = new Map();
    const sorted: string[] = [];
    out = encodeFieldsV1(members, sorted);
    encoded.set(signature, out);
    if (!membersOf.has(out)) membersOf.set(out, sorted);
  }
  return out;
}

// The members of frozen FieldsV1 trees (the ones toFieldsV1 made, shared by stored objects),
// so an entry's field set is not re-derived from its tree on every write that touches it.
const membersOf = new WeakMap<object, readonly string[]>();

/**
 * The frozen tree of the members, whose keys come in the order of the sorted member texts;
 * `sorted` receives the members in that order. Rather than sorting the whole (long) texts,
 * each node's children are sorted by their elements' JSON text: two members below one node
 * share the text up to it and, JSON strings being prefix-free, the first element they differ
 * in decides. A node's own member text ends in `]`, after every child's `,`, so post-order
 * lists the members sorted. Nodes are created frozen, so nothing walks the tree again.
 */
function encodeFieldsV1(members: readonly string[], sorted: string[]): Record<string, unknown> {
  interface Node { key: string | undefined; children: Map<string, Node> }
  const root: Node = { key: undefined, children: new Map() };
  for (const key of members) {
    let node = root;
    for (const element of parsePathKey(key)) {
      let next = node.children.get(element);
      if (!next) node.children.set(element, (next = { key: undefined, children: new Map() }));
      node = next;
    }
    node.key = key;
  }
  const encode = (node: Node): Record<string, unknown> => {
    let out: Record<string, unknown> = LEAF;
    if (node.children.size > 0) {
      out = {};
      if (node.key !== undefined) out['.'] = LEAF;
      const elements = [...node.children.keys()];
      if (elements.length > 1) elements.sort(byJsonText);
      for (const element of elements) out[element] = encode(node.children.get(element)!);
      Object.freeze(out);
    }
    if (node.key !== undefined) sorted.push(node.key);
    return out;
  };
  const out = encode(root);
  // the root is the caller's own object (memo keys go by identity), even when empty
  return out === LEAF ? Object.freeze({}) : out;
}

function byJsonText(a: string, b: string): number {
  const qa = quote(a);
  const qb = quote(b);
  return qa < qb ? -1 : qa > qb ? 1 : 0;
}

/**
 * Whether a FieldsV1 tree has a node at `path`: true whenever a member lies at or below
 * it (every node of a well-formed tree leads to a member), so false proves that no member
 * of the set is `path` or below it.
 */
export function hasFieldsNode(fields: unknown, path: FieldPath): boolean {
  let node = fields;
  for (const element of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, element)) return false;
    node = node[element];
  }
  return true;
}

/**
 * False only when no key of `keys` can have a node in the FieldsV1 tree: none starts with
 * one of the tree's top-level elements (a key is `[` and the JSON text of its first
 * element, which is prefix-free, then more). Lets a check against a write's changed paths
 * skip parsing them for an entry that owns nothing in the written part (say, a status
 * write and an entry that owns only spec and metadata).
 */
export function mayHaveNodeOn(fields: unknown, keys: ReadonlySet<string>): boolean {
  if (keys.has('[]')) return true;
  if (!isPlainObject(fields)) return false;
  const heads: string[] = [];
  for (const element of Object.keys(fields)) heads.push(`[${quote(element)}`);
  for (const key of keys) {
    for (let i = 0; i < heads.length; i++) if (key.startsWith(heads[i])) return true;
  }
  return false;
}

/** Exactly `fromFieldsV1(fields).size > 0`, without building the set. */
export function hasFieldsMembers(fields: unknown): boolean {
  const walk = (node: unknown, depth: number): boolean => {
    if (!isPlainObject(node)) return false;
    const keys = Object.keys(node);
    if (depth > 0 && (keys.length === 0 || Object.hasOwn(node, '.'))) return true;
    for (const k of keys) if (k !== '.' && walk(node[k], depth + 1)) return true;
    return false;
  };
  return walk(fields, 0);
}

/** The members of a FieldsV1 tree; a fresh set the caller may change. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const known = typeof fields === 'object' && fields !== null ? membersOf.get(fields) : undefined;
  if (known !== undefined) return new Set(known);
  const out = walkFieldsV1(fields);
  // only a frozen tree cannot change behind the memo
  if (typeof fields === 'object' && fields !== null && Object.isFrozen(fields)) membersOf.set(fields, [...out]);
  return out;
}

function walkFieldsV1(fields: unknown): FieldSet {
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

/** Finds the list item or set member a `k:`/`v:` element names. */
function findInList(list: readonly unknown[], element: string, meta: FieldMeta | undefined): number {
  if (element.startsWith('k:')) return list.findIndex((item) => itemKey(item, meta) === element);
  if (element.startsWith('v:')) {
    const value: unknown = JSON.parse(element.slice(2));
    return list.findIndex((item) => deepEqual(item, value));
  }
  return -1;
}

interface Location { parent: JsonObject | unknown[]; at: string | number; meta: FieldMeta | undefined }

/** Where `path` points inside `obj` (schema root `rootType`), or undefined if it does not exist. */
function locate(obj: unknown, path: FieldPath, rootType: string | undefined): Location | undefined {
  let value: unknown = obj;
  let typeName = rootType;
  let loc: Location | undefined;
  for (const element of path) {
    if (element.startsWith('f:')) {
      if (!isPlainObject(value)) return undefined;
      const field = element.slice(2);
      if (!Object.hasOwn(value, field)) return undefined;
      const meta = fieldMeta(typeName, field);
      loc = { parent: value, at: field, meta };
      value = value[field];
      typeName = meta?.type;
    } else {
      if (!Array.isArray(value) || !loc) return undefined;
      const i = findInList(value, element, loc.meta);
      if (i < 0) return undefined;
      loc = { parent: value, at: i, meta: loc.meta };
      value = value[i];
    }
  }
  return loc;
}

export function valueAt(obj: unknown, path: FieldPath, rootType: string | undefined): unknown {
  const loc = locate(obj, path, rootType);
  if (!loc) return undefined;
  return Array.isArray(loc.parent) ? loc.parent[loc.at as number] : loc.parent[loc.at as string];
}

/** Deletes the field, list item or set member at `path` from `obj` (a private working copy). */
export function removeAt(obj: unknown, path: FieldPath, rootType: string | undefined): void {
  const loc = locate(obj, path, rootType);
  if (!loc) return;
  if (Array.isArray(loc.parent)) loc.parent.splice(loc.at as number, 1);
  else delete loc.parent[loc.at as string];
}

/** Human form used in conflict messages: `.spec.template.spec.containers[name="nginx"].image`. */
export function describePath(path: FieldPath): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('v:')) return `[=${element.slice(2)}]`;
      if (element.startsWith('k:')) {
        const key = JSON.parse(element.slice(2)) as JsonObject;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      return `[${element}]`;
    })
    .join('');
}

/** Every member of the set and every ancestor path of one. */
export function prefixesOf(set: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const key of set) {
    const path = parsePathKey(key);
    for (let i = 1; i <= path.length; i++) out.add(pathKey(path.slice(0, i)));
  }
  return out;
}

/**
 * Drops every member equal to or below one of `roots`. A key is the JSON text of its path
 * and JSON strings are prefix-free, so `key` lies at or below `root` exactly when it equals
 * it or starts with the root's text up to its closing bracket plus `,`.
 */
export function withoutSubtrees(set: ReadonlySet<string>, roots: ReadonlySet<string>): FieldSet {
  if (roots.size === 0) return new Set(set);
  // the empty path is nobody's root: it covers nothing and is covered by nothing
  const opens: string[] = [];
  for (const root of roots) if (root !== '[]') opens.push(root.slice(0, -1) + ',');
  const out: FieldSet = new Set();
  for (const key of set) {
    if (key !== '[]' && roots.has(key)) continue;
    let covered = false;
    for (let i = 0; i < opens.length && !covered; i++) covered = key.startsWith(opens[i]);
    if (!covered) out.add(key);
  }
  return out;
}
