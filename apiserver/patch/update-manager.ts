// `Update` managedFields entries: every non-apply write records what it changed, so
// later applies can detect conflicts with e.g. `kubectl scale` or a controller.

import type { KubeObject, ManagedFieldsEntry } from '../../api/meta.js';
import { deepClone, withoutNulls } from './json.js';
import { rootTypeOf } from './merge-keys.js';
import { diffFields } from './field-diff.js';
import { ownedContent, withoutSubtrees, type FieldSet } from './field-set.js';
import { assemble, newEntry, ownersOf, reowned, withManagedFields } from './managed-fields.js';

/**
 * Records `manager`'s non-apply write (create, update, or a merge/json/strategic
 * patch) in managedFields: it now owns what it changed, and nobody else owns that
 * any more (updates always win, as in Kubernetes).
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
  const withStatus = subresource === 'status';
  const before = old ? ownedContent(withoutNulls(old), withStatus) : {};
  const after = ownedContent(withoutNulls(updated), withStatus);
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
  const owners = ownersOf(base).map((o) =>
    reowned(o, new Set([...withoutSubtrees(o.fields, removed)].filter((k) => isOwn(o.entry) || !changed.has(k)))),
  );

  const previous = owners.find((o) => isOwn(o.entry));
  let own = previous;
  if (changed.size > 0) {
    const fields = new Set([...(previous?.fields ?? []), ...changed]);
    own = { entry: newEntry(manager, 'Update', apiVersion, now, fields, subresource), fields };
  }
  return withManagedFields(deepClone(updated), assemble(owners, isOwn, own));
}
