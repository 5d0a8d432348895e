// Field sets for server-side apply, in the vocabulary of managedFields' FieldsV1:
// a path is a list of elements `f:<field>`, `k:<json of the item's keys>` (an item
// of an associative list), `v:<json value>` (a member of a set-like list). A set is
// stored as the JSON text of each member path so that set operations are cheap.

import { deepEqual, isPlainObject, type JsonObject } from './json.js';
import { fieldMeta, type FieldMeta } from './merge-keys.js';

export type FieldPath = readonly string[];
export type FieldSet = Set<string>;

export const pathKey = (path: FieldPath): string => JSON.stringify(path);
export const parsePathKey = (key: string): string[] => JSON.parse(key) as string[];

/** Metadata the server owns; never part of anyone's field set (structured-merge-diff strips these too). */
const SYSTEM_METADATA = [
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
];

/**
 * The part of an object field ownership is tracked for: no apiVersion/kind, no system
 * metadata, and status only when asked (status is written through its subresource).
 */
export function ownedContent(obj: unknown, includeStatus: boolean): JsonObject {
  if (!isPlainObject(obj)) return {};
  const { apiVersion: _a, kind: _k, status, metadata, ...rest } = obj;
  const out: JsonObject = { ...rest };
  if (isPlainObject(metadata)) {
    const meta: JsonObject = { ...metadata };
    for (const k of SYSTEM_METADATA) delete meta[k];
    if (Object.keys(meta).length > 0) out.metadata = meta;
  }
  if (includeStatus && status !== undefined) out.status = status;
  return out;
}

/** Identity of an item in an associative list, or undefined when the list is not one. */
export function itemKey(item: unknown, meta: FieldMeta | undefined): string | undefined {
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
export function isAssociative(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  const keys = list.map((item) => itemKey(item, meta));
  return keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
}

export function isPrimitiveSet(list: readonly unknown[], meta: FieldMeta | undefined): boolean {
  return meta?.strategy === 'merge' && list.every((v) => v === null || typeof v !== 'object');
}

export const setMember = (value: unknown): string => `v:${JSON.stringify(value)}`;

/** Adds to `out` every field path set in `value` (a map of schema type `typeName`). */
export function collectFields(value: JsonObject, typeName: string | undefined, out: FieldSet, prefix: FieldPath = []): FieldSet {
  for (const [field, child] of Object.entries(value)) {
    collectValue(child, fieldMeta(typeName, field), [...prefix, `f:${field}`], out);
  }
  return out;
}

/** Adds the member paths of one field value at `path`. */
export function collectValue(value: unknown, meta: FieldMeta | undefined, path: FieldPath, out: FieldSet): void {
  if (value === null || value === undefined) return;
  if (isPlainObject(value)) {
    collectFields(value, meta?.type, out, path);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      // An empty mergeable list asserts nothing about its items.
      if (meta?.strategy !== 'merge') out.add(pathKey(path));
    } else if (isAssociative(value, meta)) {
      for (const item of value) {
        const itemPath = [...path, itemKey(item, meta) as string];
        out.add(pathKey(itemPath));
        collectFields(item as JsonObject, meta?.type, out, itemPath);
      }
    } else if (isPrimitiveSet(value, meta)) {
      for (const v of value) out.add(pathKey([...path, setMember(v)]));
    } else {
      out.add(pathKey(path));
    }
  } else {
    out.add(pathKey(path));
  }
}

/** Serializes a field set as FieldsV1: `{}` for a leaf, `".": {}` when a node is itself a member and has children. */
export function toFieldsV1(set: ReadonlySet<string>): Record<string, unknown> {
  interface Node { member: boolean; children: Map<string, Node> }
  const root: Node = { member: false, children: new Map() };
  for (const key of [...set].sort()) {
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

export function fromFieldsV1(fields: unknown): FieldSet {
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

/** Drops every member equal to or below one of `roots`. */
export function withoutSubtrees(set: ReadonlySet<string>, roots: ReadonlySet<string>): FieldSet {
  const out: FieldSet = new Set();
  for (const key of set) {
    const path = parsePathKey(key);
    let covered = false;
    for (let i = 1; i <= path.length && !covered; i++) covered = roots.has(pathKey(path.slice(0, i)));
    if (!covered) out.add(key);
  }
  return out;
}
