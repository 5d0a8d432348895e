// What the garbage collector does with one object, given what it knows about
// the object's owners (as a dependent) or its dependents (as an owner being
// deleted). Pure; the controller gathers the facts and carries the action out.
import type { DeleteOptions } from '../api/meta.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/**
 * solid: exists and is not waiting for its dependents; dangling: gone (or the
 * name now belongs to another uid); waiting: being deleted in the foreground;
 * unresolvable: a kind or scope we cannot look up, never grounds for deletion.
 */
export type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unresolvable';

export interface OwnerFact {
  uid: string;
  state: OwnerState;
}

export type Propagation = NonNullable<DeleteOptions['propagationPolicy']>;

export type DependentAction =
  | { kind: 'keep' }
  | { kind: 'removeOwnerReferences'; uids: string[] }
  | { kind: 'delete'; propagationPolicy: Propagation };

export interface DependentFacts {
  finalizers: string[] | undefined;
  /** whether anything names this object as its owner */
  hasDependents: boolean;
  owners: OwnerFact[];
}

/**
 * Kubernetes' attemptToDeleteItem: an object with a live owner stays (references
 * to gone or foreground-deleting owners are dropped); an object all of whose
 * owners are gone or deleting goes, in the foreground when a foreground owner
 * waits on it and it has dependents of its own, so the wait covers them too.
 */
export function decideDependent(f: DependentFacts): DependentAction {
  if (f.owners.length === 0) return { kind: 'keep' };
  const solid = f.owners.filter((o) => o.state === 'solid' || o.state === 'unresolvable');
  const dangling = f.owners.filter((o) => o.state === 'dangling');
  const waiting = f.owners.filter((o) => o.state === 'waiting');
  if (solid.length > 0) {
    const drop = [...dangling, ...waiting].map((o) => o.uid);
    return drop.length ? { kind: 'removeOwnerReferences', uids: drop } : { kind: 'keep' };
  }
  if (waiting.length > 0 && f.hasDependents) return { kind: 'delete', propagationPolicy: 'Foreground' };
  const finalizers = f.finalizers ?? [];
  if (finalizers.includes(FINALIZER_ORPHAN)) return { kind: 'delete', propagationPolicy: 'Orphan' };
  if (finalizers.includes(FINALIZER_FOREGROUND)) return { kind: 'delete', propagationPolicy: 'Foreground' };
  return { kind: 'delete', propagationPolicy: 'Background' };
}

export interface DependentRef {
  uid: string;
  /** the dependent's ownerReference to this owner says blockOwnerDeletion */
  blocking: boolean;
}

export type OwnerAction =
  | { kind: 'none' }
  | { kind: 'orphanDependents'; dependents: string[] }
  | { kind: 'removeFinalizer'; finalizer: string }
  | { kind: 'deleteDependents'; dependents: string[] };

export interface OwnerFacts {
  deleting: boolean;
  finalizers: string[] | undefined;
  dependents: DependentRef[];
}

/**
 * An owner being deleted with a GC finalizer: Orphan strips its references
 * from every dependent, then drops the finalizer; Foreground deletes the
 * dependents and drops the finalizer once no blocking dependent is left.
 */
export function decideOwner(f: OwnerFacts): OwnerAction {
  if (!f.deleting) return { kind: 'none' };
  const finalizers = f.finalizers ?? [];
  if (finalizers.includes(FINALIZER_ORPHAN)) {
    if (f.dependents.length) return { kind: 'orphanDependents', dependents: f.dependents.map((d) => d.uid) };
    return { kind: 'removeFinalizer', finalizer: FINALIZER_ORPHAN };
  }
  if (finalizers.includes(FINALIZER_FOREGROUND)) {
    if (f.dependents.some((d) => d.blocking)) return { kind: 'deleteDependents', dependents: f.dependents.map((d) => d.uid) };
    return { kind: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND };
  }
  return { kind: 'none' };
}
