// `Update` managedFields entries: every non-apply write records what it changed, so
// later applies can detect conflicts with e.g. `kubectl scale` or a controller.
//
// This runs on every write (a pod's create, binding and status each take one), so
// entries the write cannot affect are kept as they are without being parsed: an
// entry is only decoded when the FieldsV1 tree has a node on a changed or removed path.

import type { KubeObject, ManagedFieldsEntry } from '../../api/meta.js';
import { rootTypeOf } from './merge-keys.js';
import { diffFields } from './field-diff.js';
import {
  hasFieldsMembers, hasFieldsNode, mayHaveNodeOn, ownedContent, parsePathKey, withoutSubtrees, type FieldPath, type FieldSet,
} from './field-set.js';
import type { JsonObject } from './json.js';
import { newEntry, ownersOf, reowned, withManagedFields } from './managed-fields.js';

/**
 * Records `manager`'s non-apply write (create, update, or a merge/json/strategic
 * patch) in managedFields: it now owns what it changed, and nobody else owns that
 * any more (updates always win, as in Kubernetes).
 *
 * `updated` is handed over: the result is `updated` with new metadata.managedFields,
 * and shares every other value with it.
 */
export function recordUpdateManager(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  now: string,
  apiVersion: string,
  subresource?: string,
): KubeObject {
  const rootType = rootTypeOf({ kind: updated.kind ?? old?.kind ?? '' });
  // Only status is written through the status subresource, so only status is compared: the
  // same changes as comparing whole objects and keeping the paths under status.
  const contentOf = subresource === 'status' ? statusContent : (o: KubeObject): JsonObject => ownedContent(o, false);
  const { changed, removed } = diffFields(old ? contentOf(old) : {}, contentOf(updated), rootType);

  // A client that sends managedFields replaces them; one that omits them keeps the stored ones.
  const base = Array.isArray(updated.metadata.managedFields) ? updated.metadata.managedFields : old?.metadata.managedFields ?? [];
  const isOwn = (e: ManagedFieldsEntry): boolean =>
    e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? '');
  const touchedByRemoved = touchedBy(removed);
  const touchedByChanged = touchedBy(changed);

  // This manager's entry: what it owned minus removed subtrees, plus everything it changed.
  let own: ManagedFieldsEntry | undefined;
  let ownDone = false;
  const ownEntry = (previous: ManagedFieldsEntry | undefined): ManagedFieldsEntry | undefined => {
    if (ownDone) return own;
    ownDone = true;
    if (previous && changed.size === 0 && !touchedByRemoved(previous)) {
      own = hasFieldsMembers(previous.fieldsV1) ? previous : undefined;
      return own;
    }
    const prev = previous ? ownersOf([previous])[0] : undefined;
    const kept = prev ? withoutSubtrees(prev.fields, removed) : new Set<string>();
    if (changed.size > 0) {
      // kept is a fresh set: adding in place gives the union in the same order as a new set
      for (const key of changed) kept.add(key);
      own = newEntry(manager, 'Update', apiVersion, now, kept, subresource);
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
    if (!touchedByRemoved(entry) && !touchedByChanged(entry)) {
      if (hasFieldsMembers(entry.fieldsV1)) entries.push(entry);
      continue;
    }
    const o = ownersOf([entry])[0];
    const rest = withoutSubtrees(o.fields, removed);
    for (const key of changed) rest.delete(key);
    const kept = reowned(o, rest);
    if (kept.fields.size > 0) entries.push(kept.entry);
  }
  if (!placed) {
    const e = ownEntry(undefined);
    if (e) entries.push(e);
  }
  return withManagedFields(updated, entries);
}

/**
 * Whether an entry's FieldsV1 has a node on one of `paths`. They are parsed on the first
 * check only, so a write that checks no other entry (a plain create) never parses them.
 */
function touchedBy(paths: FieldSet): (e: ManagedFieldsEntry) => boolean {
  let parsed: FieldPath[] | undefined;
  return (e) => paths.size > 0 && mayHaveNodeOn(e.fieldsV1, paths) &&
    (parsed ??= [...paths].map(parsePathKey)).some((p) => hasFieldsNode(e.fieldsV1, p));
}

/** What a status write is compared on: `ownedContent(o, true)` restricted to status. */
function statusContent(o: KubeObject): JsonObject {
  return o.status === undefined ? {} : { status: o.status };
}
