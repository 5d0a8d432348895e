// The storage contract the registry builds on (ARCHITECTURE.md "Storage").
import type { KubeObject } from '../../api/meta.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change. `object` carries resourceVersion = revision. */
export interface StorageEvent {
  type: EventType;
  key: string;
  revision: number;
  object: KubeObject;
  /** the object before this change (absent for ADDED) */
  prevObject?: KubeObject;
}

/**
 * Decides the next value of a key from its latest value (including writes still
 * being synced). Returns the new object, `null` to delete, or `undefined` to leave
 * it unchanged. Runs synchronously so the check-and-write is atomic.
 */
export type UpdateFn = (current: KubeObject | undefined) => KubeObject | null | undefined;

export interface WriteResult {
  /** committed object (for a delete: the last object with the deletion's resourceVersion) */
  object: KubeObject | undefined;
  revision: number;
  /** false when the update function returned undefined (no change) */
  changed: boolean;
}

export interface WatchSubscription {
  /** events after `fromRevision` for keys under `prefix`, as they commit */
  prefix: string;
  onEvent(ev: StorageEvent): void;
}

export class TooOldResourceVersionError extends Error {
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.name = 'TooOldResourceVersionError';
  }
}
