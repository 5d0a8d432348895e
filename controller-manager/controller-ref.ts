// Controller ownership like client-go's ControllerRefManager: an object belongs to
// at most one controller (the ownerReference with controller:true). A controller
// adopts matching orphans and releases owned objects that stopped matching, so
// ownership follows the selector without two controllers fighting over an object.
import type { KubeObject, OwnerReference } from '../api/meta.js';
import type { ResourceInfo } from '../api/resources.js';
import { isApiError, isNotFound } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import type { Store } from '../client/store.js';

export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = getControllerOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

/** Store index of objects by controller: `uid:<controller uid>`, or `orphan:<namespace>` without one. */
export const CONTROLLER_INDEX = 'controller-or-orphan';

export function controllerIndexKeys(obj: KubeObject): string[] {
  const ref = getControllerOf(obj);
  return [ref ? `uid:${ref.uid}` : `orphan:${obj.metadata.namespace ?? ''}`];
}

/** Adds CONTROLLER_INDEX to a (shared) store unless another controller already did. */
export function ensureControllerIndex<T extends KubeObject>(store: Store<T>): void {
  if (!store.hasIndexer(CONTROLLER_INDEX)) store.addIndexer(CONTROLLER_INDEX, controllerIndexKeys);
}

/**
 * Everything claimObjects could act on for this owner: objects in its namespace it
 * controls, and orphans there. Objects controlled by someone else are always
 * ignored by claimDecision, so skipping them changes no outcome, while a sync no
 * longer walks every pod of a busy namespace. Needs ensureControllerIndex.
 */
export function claimCandidates<T extends KubeObject>(store: Store<T>, owner: KubeObject): T[] {
  const namespace = owner.metadata.namespace ?? '';
  const owned = owner.metadata.uid
    ? store.byIndex(CONTROLLER_INDEX, `uid:${owner.metadata.uid}`).filter((o) => (o.metadata.namespace ?? '') === namespace)
    : [];
  return owned.concat(store.byIndex(CONTROLLER_INDEX, `orphan:${namespace}`));
}

/** The ownerReference a controller puts on what it creates or adopts. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Strategic-merge patch that adds our controller reference (ownerReferences merge by uid). */
export function adoptPatch(obj: KubeObject, ref: OwnerReference): object {
  return { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } };
}

/** Strategic-merge patch that removes only our reference, leaving other owners alone. */
export function releasePatch(obj: KubeObject, ownerUid: string): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata.uid } };
}

export type ClaimDecision = 'ignore' | 'keep' | 'adopt' | 'release';

/**
 * What to do with one candidate (Kubernetes' ClaimObject, as a pure decision):
 * keep what we own and still match, release what we own and no longer match
 * (unless we are being deleted), adopt matching orphans (unless either side is
 * being deleted), ignore what another controller owns.
 */
export function claimDecision(owner: KubeObject, obj: KubeObject, matches: boolean): ClaimDecision {
  const ref = getControllerOf(obj);
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches) return 'keep';
    return owner.metadata.deletionTimestamp ? 'ignore' : 'release';
  }
  if (owner.metadata.deletionTimestamp || !matches) return 'ignore';
  if (obj.metadata.deletionTimestamp) return 'ignore';
  if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) return 'ignore';
  return 'adopt';
}

export interface ClaimOptions {
  client: RestClient;
  /** the owner (controller) as cached */
  owner: KubeObject;
  ownerInfo: ResourceInfo;
  /** the resource of the claimed objects (pods, replicasets) */
  info: ResourceInfo;
  ownerRef: OwnerReference;
  matches: (obj: KubeObject) => boolean;
}

/**
 * Claims candidates for the owner and returns the ones it now controls. Adoption
 * first re-reads the owner from the server (not the cache) so a deleted or
 * re-created owner never adopts; failures are collected and thrown after the
 * rest has been processed, so one bad object does not stall the others.
 */
export async function claimObjects<T extends KubeObject>(objs: T[], opts: ClaimOptions): Promise<T[]> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let canAdopt: Promise<void> | undefined;
  const recheckOwner = async (): Promise<void> => {
    const fresh = await opts.client.get(opts.ownerInfo, opts.owner.metadata.namespace, opts.owner.metadata.name ?? '');
    if (fresh.metadata.uid !== opts.owner.metadata.uid) {
      throw new Error(`original ${opts.ownerInfo.kind} ${opts.owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${opts.owner.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${opts.ownerInfo.kind} ${opts.owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
  for (const obj of objs) {
    const decision = claimDecision(opts.owner, obj, opts.matches(obj));
    try {
      if (decision === 'keep') {
        claimed.push(obj);
      } else if (decision === 'adopt') {
        canAdopt ??= recheckOwner();
        await canAdopt;
        const adopted = await opts.client.patch<T>(opts.info, obj.metadata.namespace, obj.metadata.name ?? '', adoptPatch(obj, opts.ownerRef), 'strategic');
        claimed.push(adopted);
      } else if (decision === 'release') {
        await opts.client.patch(opts.info, obj.metadata.namespace, obj.metadata.name ?? '', releasePatch(obj, opts.owner.metadata.uid ?? ''), 'strategic');
      }
    } catch (e) {
      // Gone already, or (422) no longer carrying our reference: nothing left to claim or release.
      if (isNotFound(e) || (isApiError(e) && e.code === 422)) continue;
      errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}
