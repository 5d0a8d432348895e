// Server-side apply (application/apply-patch+yaml) with real field ownership kept in
// metadata.managedFields (FieldsV1), plus the `Update` entries every other write
// records so that applies can tell when they would overwrite someone else's value.

import { apiVersionOf, type KubeObject, type ManagedFieldsEntry } from '../../api/meta.js';
import { deepClone, deepEqual, isPlainObject, withoutNulls, type JsonObject } from './json.js';
import { rootTypeOf, type GroupVersionKind } from './merge-keys.js';
import { mergeApplied } from './apply-merge.js';
import { validateApplied } from './apply-validate.js';
import type { ApplyConflict } from './conflicts.js';
import {
  collectFields, describePath, ownedContent, parsePathKey, prefixesOf, removeAt, toFieldsV1, valueAt, type FieldPath,
} from './field-set.js';
import { assemble, newEntry, ownersOf, reowned, withManagedFields, type Owner } from './managed-fields.js';

export { recordUpdateManager } from './update-manager.js';
export { conflictCauses, conflictMessage, type ApplyConflict } from './conflicts.js';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  /** RFC 3339 timestamp recorded in the manager's entry. */
  now: string;
  gvk: GroupVersionKind;
}

export interface ApplyResult {
  /** The object to store; when there are conflicts it is the unchanged current object. */
  object: KubeObject;
  /** Unresolved conflicts (answer 409); always empty with `force`. */
  conflicts: ApplyConflict[];
}

function kindType(obj: KubeObject | undefined, gvk?: Pick<GroupVersionKind, 'kind'>): string {
  return rootTypeOf({ kind: gvk?.kind ?? obj?.kind ?? '' });
}

/** The fields `obj` sets, as FieldsV1 (what an apply of `obj` would own). */
export function fieldSetOf(obj: KubeObject, gvk?: Pick<GroupVersionKind, 'kind'>): Record<string, unknown> {
  return toFieldsV1(collectFields(ownedContent(withoutNulls(obj), false), kindType(obj, gvk), new Set()));
}

/** A key field of a list item (`name` of a container) goes only with the whole item. */
function isItemKeyField(path: FieldPath): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!last?.startsWith('f:') || !parent?.startsWith('k:')) return false;
  return Object.hasOwn(JSON.parse(parent.slice(2)) as JsonObject, last.slice(2));
}

/**
 * Applies `applied` for `opts.manager`. Without `current` it creates: the result is the
 * config plus its Apply entry (the server's create strategy decides about status).
 * Otherwise the config's fields are merged into `current` (status and system metadata
 * of the config are ignored), fields this manager applied before and dropped now are
 * removed unless another manager owns them, and changing a value another manager owns
 * is a conflict unless `force`. Throws PatchError (422) for list items lacking or
 * repeating their keys.
 */
export function serverSideApply(current: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): ApplyResult {
  const { manager, force, now, gvk } = opts;
  const apiVersion = apiVersionOf(gvk.group, gvk.version);
  const rootType = rootTypeOf(gvk);
  const config = withoutNulls(applied) as KubeObject;
  const content = ownedContent(config, false);
  validateApplied(content, rootType);
  const appliedFields = collectFields(content, rootType, new Set());
  const own: Owner = { entry: newEntry(manager, 'Apply', apiVersion, now, appliedFields), fields: appliedFields };

  if (current === undefined) {
    const created = deepClone(config);
    created.metadata = isPlainObject(created.metadata) ? created.metadata : {};
    return { object: withManagedFields(created, assemble([], () => false, own)), conflicts: [] };
  }

  const isOwn = (e: ManagedFieldsEntry): boolean => e.manager === manager && e.operation === 'Apply' && !e.subresource;
  const owners = ownersOf(current.metadata.managedFields ?? []);
  const previous = owners.find((o) => isOwn(o.entry));

  // A conflict: the apply would change a value someone else owns.
  const live = ownedContent(current, false);
  const conflicts: ApplyConflict[] = [];
  const contested = new Set<string>();
  for (const key of appliedFields) {
    const path = parsePathKey(key);
    if (path[path.length - 1].startsWith('k:')) continue; // an item's existence is never a conflict
    if (deepEqual(valueAt(content, path, rootType), valueAt(live, path, rootType))) continue;
    for (const { entry, fields } of owners) {
      if (isOwn(entry) || !fields.has(key)) continue;
      conflicts.push({
        manager: entry.manager ?? '', field: describePath(path), operation: entry.operation,
        apiVersion: entry.apiVersion, time: entry.time, subresource: entry.subresource,
      });
      contested.add(key);
    }
  }
  if (conflicts.length > 0 && !force) return { object: deepClone(current), conflicts };

  // Forcing moves contested fields to this manager.
  const remaining = owners.map((o) =>
    isOwn(o.entry) ? o : reowned(o, new Set([...o.fields].filter((k) => !contested.has(k)))),
  );

  const merged = mergeApplied(deepClone(current) as JsonObject, content, rootType) as KubeObject;
  if (previous) {
    // Fields this manager applied before but dropped now go away unless still wanted by anyone.
    const stillOwned = prefixesOf([...appliedFields, ...remaining.filter((o) => !isOwn(o.entry)).flatMap((o) => [...o.fields])]);
    for (const key of previous.fields) {
      const path = parsePathKey(key);
      if (!stillOwned.has(key) && !isItemKeyField(path)) removeAt(merged, path, rootType);
    }
  }
  return { object: withManagedFields(merged, assemble(remaining, isOwn, own)), conflicts: [] };
}

