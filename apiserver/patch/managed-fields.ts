// Bookkeeping of metadata.managedFields entries shared by apply and updates.

import type { KubeObject, ManagedFieldsEntry } from '../../api/meta.js';
import { fromFieldsV1, toFieldsV1, type FieldSet } from './field-set.js';

export interface Owner {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

export function ownersOf(entries: readonly ManagedFieldsEntry[]): Owner[] {
  return entries.map((entry) => ({ entry, fields: fromFieldsV1(entry.fieldsV1) }));
}

export function newEntry(
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
export function reowned(owner: Owner, fields: FieldSet): Owner {
  if (fields.size === owner.fields.size) return owner;
  return { entry: { ...owner.entry, fieldsV1: toFieldsV1(fields) }, fields };
}

/**
 * The entries in their previous order: `own` replaces the entry `isOwn` matches (or
 * is appended); managers left owning nothing disappear, as in Kubernetes.
 */
export function assemble(owners: readonly Owner[], isOwn: (e: ManagedFieldsEntry) => boolean, own: Owner | undefined): ManagedFieldsEntry[] {
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

export function withManagedFields<T extends KubeObject>(obj: T, entries: ManagedFieldsEntry[]): T {
  const metadata = { ...obj.metadata };
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}
