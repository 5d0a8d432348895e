// The StatefulSet controller: pods with stable names `<set>-<ordinal>`, each
// with its own PersistentVolumeClaims created before it and kept after it,
// brought up and down in order (OrderedReady) or all at once (Parallel), rolled
// to a new template from the highest ordinal down (RollingUpdate with
// partition) or left until deleted (OnDelete), with the templates kept in
// ControllerRevisions. The decisions are pure (statefulset-plan.ts,
// statefulset-revisions.ts, statefulset-identity.ts, statefulset-claims.ts);
// this file reads the caches, carries the decisions out and reports status.
import type { Logger } from 'pino';
import { isAlreadyExists, isApiError, isConflict, isNotFound } from '../api/errors.js';
import { isEverything, matches, selectorFromLabelSelector, type Selector } from '../api/labels.js';
import { objectKey, type KubeObject, type OwnerReference } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet, StatefulSetStatus } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { Controller, type ControllerContext } from './controller.js';
import { claimObjects, getControllerOf, isControlledBy, newControllerRef } from './controller-ref.js';
import type { ControllerManagerOptions } from './options.js';
import { OwnWrites } from './pod-control.js';
import { semanticEqual } from './pod-template-hash.js';
import { claimOwnerRefs, hasStaleOwnerRef } from './statefulset-claims.js';
import { claimsFor, identityLabelsPatch, inRange, isMemberOf, newStatefulSetPod, ordinalOf, podName } from './statefulset-identity.js';
import { planStatefulSet, type StatefulAction } from './statefulset-plan.js';
import {
  applyRevision, currentRevision, equalRevision, newRevision, planUpdateRevision, revisionsToDelete,
} from './statefulset-revisions.js';

const setsInfo = findResource('apps', 'v1', 'statefulsets')!;
const revisionsInfo = findResource('apps', 'v1', 'controllerrevisions')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const claimsInfo = findResource('', 'v1', 'persistentvolumeclaims')!;

/** Name clashes of `<set>-<hash>` tolerated before giving up for this sync. */
const MAX_HASH_COLLISIONS = 5;

interface SyncState {
  set: StatefulSet;
  key: string;
  ref: OwnerReference;
  log: Logger;
}

/** Zero counts omitted as Kubernetes' omitempty does (replicas and availableReplicas are always there). */
export function compactStatefulSetStatus(s: StatefulSetStatus): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: s.replicas, availableReplicas: s.availableReplicas ?? 0 };
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  if (s.conditions?.length) out.conditions = s.conditions;
  return out;
}

function isNamespaceTerminating(e: unknown): boolean {
  return isApiError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export class StatefulSetController extends Controller {
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly setWrites = new OwnWrites();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('statefulset', ctx);
    this.sets = ctx.informers.get<StatefulSet>(setsInfo);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    this.revisions = ctx.informers.get<ControllerRevision>(revisionsInfo);
    this.claims = ctx.informers.get<PersistentVolumeClaim>(claimsInfo);
    this.sets.on('add', (s) => this.enqueue(s));
    this.sets.on('update', (_old, cur) => this.enqueue(cur));
    this.sets.on('delete', (s) => {
      this.setWrites.forget(objectKey(s));
      this.enqueue(s);
    });
    this.pods.on('add', (p) => this.onOwned(p));
    this.pods.on('update', (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      if (getControllerOf(old)?.uid !== getControllerOf(cur)?.uid) this.onOwned(old);
      this.onOwned(cur);
    });
    this.pods.on('delete', (p) => this.onOwned(p));
    this.revisions.on('add', (r) => this.onOwned(r));
    this.revisions.on('delete', (r) => this.onOwned(r));
    // A pending pod waits for its claims: a claim deleted (or still on its way out) is its cue.
    this.claims.on('delete', (c) => this.onClaim(c));
    this.claims.on('update', (_old, c) => this.onClaim(c));
  }

  // ---------------------------------------------------------------- events

  /** A pod or revision: its controller, or for an orphan every set that would adopt it. */
  private onOwned(obj: Pod | ControllerRevision): void {
    const ref = getControllerOf(obj);
    if (ref) {
      if (ref.kind !== 'StatefulSet') return;
      const set = this.sets.store.getByName(obj.metadata.namespace, ref.name);
      if (set && set.metadata.uid === ref.uid) this.enqueue(set);
      return;
    }
    for (const set of this.setsSelecting(obj)) this.enqueue(set);
  }

  private onClaim(claim: PersistentVolumeClaim): void {
    for (const set of this.setsSelecting(claim)) this.enqueue(set);
  }

  private setsSelecting(obj: KubeObject): StatefulSet[] {
    return this.sets.store.byIndex(NAMESPACE_INDEX, obj.metadata.namespace ?? '').filter((s) => {
      try {
        const sel = selectorFromLabelSelector(s.spec.selector);
        return !isEverything(sel) && matches(sel, obj.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  // ---------------------------------------------------------------- sync

  async sync(key: string): Promise<void> {
    const cached = this.sets.store.get(key);
    if (!cached) return; // its pods and revisions go with it through the garbage collector
    if (this.setWrites.cacheBehind(key, cached.metadata.resourceVersion)) {
      this.queue.addAfter(key, 1000); // the event of our own status write brings us back sooner
      return;
    }
    const set = structuredClone(cached);
    const s: SyncState = { set, key, ref: newControllerRef(set, 'apps/v1', 'StatefulSet'), log: this.log.child({ key }) };
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(set.spec.selector);
    } catch (e) {
      this.ctx.recorder.event(set, 'Warning', 'InvalidSelector', `invalid label selector: ${(e as Error).message}`);
      return;
    }
    if (isEverything(selector)) return; // validation refuses these; nothing sane to manage

    const namespace = set.metadata.namespace ?? '';
    const pods = await claimObjects(this.pods.store.byIndex(NAMESPACE_INDEX, namespace), {
      client: this.ctx.client, owner: set, ownerInfo: setsInfo, info: podsInfo, ownerRef: s.ref,
      matches: (p) => matches(selector, p.metadata.labels) && isMemberOf(set, p as Pod),
    });
    const revisions = await claimObjects(this.revisions.store.byIndex(NAMESPACE_INDEX, namespace), {
      client: this.ctx.client, owner: set, ownerInfo: setsInfo, info: revisionsInfo, ownerRef: s.ref,
      matches: (r) => matches(selector, r.metadata.labels),
    });

    const { update, collisionCount } = await this.updateRevision(s, revisions);
    const all = revisions.some((r) => r.metadata.name === update.metadata.name) ? revisions : [...revisions, update];
    const current = currentRevision(set, all, update);
    const plan = planStatefulSet({
      set, pods, now: Date.now(),
      currentRevision: current.metadata.name ?? '', updateRevision: update.metadata.name ?? '', collisionCount,
    });
    if (plan.waiting) s.log.debug({ waiting: plan.waiting }, 'statefulset waits');

    let failure: unknown;
    try {
      if (!set.metadata.deletionTimestamp) await this.syncClaimOwners(s, pods);
      const sets = { current: applyRevision(set, current), update: applyRevision(set, update) };
      for (const action of plan.actions) {
        const revisionName = action.kind === 'create' ? (action.revision === 'current' ? current : update).metadata.name ?? '' : '';
        const done = await this.execute(s, action, action.kind === 'create' ? sets[action.revision] : set, revisionName);
        if (!done) break;
      }
    } catch (e) {
      failure = e;
    }

    const status = compactStatefulSetStatus({ ...plan.status, conditions: set.status?.conditions });
    if (!semanticEqual(compactStatefulSetStatus(set.status ?? { replicas: 0 }), status)) await this.writeStatus(s, status);
    if (failure) throw failure;

    for (const rev of revisionsToDelete(set, all, pods, status.currentRevision ?? '', status.updateRevision ?? '')) {
      await this.ctx.client.delete(revisionsInfo, namespace, rev.metadata.name ?? '').catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
      s.log.info({ revision: rev.metadata.name }, 'deleted old controller revision beyond revisionHistoryLimit');
    }
    // Availability changes with time alone: look again once minReadySeconds have passed.
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) > (status.availableReplicas ?? 0)) this.queue.addAfter(key, minReady * 1000 + 500);
  }

  // ---------------------------------------------------------------- revisions

  /** The stored revision of the set's template: found, renumbered (rollback) or created. */
  private async updateRevision(s: SyncState, revisions: ControllerRevision[]): Promise<{ update: ControllerRevision; collisionCount?: number }> {
    const { set } = s;
    const plan = planUpdateRevision(set, revisions, s.ref);
    if (plan.action === 'use') return { update: plan.revision, collisionCount: set.status?.collisionCount };
    if (plan.action === 'renumber') {
      const updated = await this.ctx.client.update<ControllerRevision>(revisionsInfo, set.metadata.namespace, { ...structuredClone(plan.revision), revision: plan.to });
      s.log.info({ revision: updated.metadata.name, number: plan.to }, 'rolled back to an earlier revision');
      return { update: updated, collisionCount: set.status?.collisionCount };
    }
    let collisionCount = set.status?.collisionCount;
    let candidate = plan.revision;
    for (let i = 0; i < MAX_HASH_COLLISIONS; i++) {
      try {
        const created = await this.ctx.client.create<ControllerRevision>(revisionsInfo, set.metadata.namespace, candidate);
        s.log.info({ revision: created.metadata.name, number: created.revision }, 'created controller revision');
        return { update: created, collisionCount };
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
      // Ours, created by an earlier sync the cache has not shown yet? Otherwise a hash collision.
      const existing = await this.ctx.client.get<ControllerRevision>(revisionsInfo, set.metadata.namespace, candidate.metadata.name ?? '');
      if (isControlledBy(existing, set) && equalRevision(existing, candidate)) return { update: existing, collisionCount };
      collisionCount = (collisionCount ?? 0) + 1;
      candidate = newRevision(set, candidate.revision, collisionCount, s.ref);
    }
    throw new Error(`too many controller revision name collisions for ${s.key}`);
  }

  // ---------------------------------------------------------------- actions

  /** Carries out one action; false when the sync should stop here (and wait for the cache to catch up). */
  private async execute(s: SyncState, action: StatefulAction, templateSet: StatefulSet, revisionName: string): Promise<boolean> {
    const { set } = s;
    const ns = set.metadata.namespace ?? '';
    switch (action.kind) {
      case 'create': {
        const name = podName(set, action.ordinal);
        if (!(await this.createClaims(s, action.ordinal, name, undefined))) return false;
        const pod = newStatefulSetPod(templateSet, action.ordinal, revisionName, s.ref);
        try {
          await this.ctx.client.create<Pod>(podsInfo, ns, pod);
        } catch (e) {
          // Created by an earlier sync the cache has not shown yet (or still terminating): its events bring us back.
          if (isAlreadyExists(e)) return false;
          if (isNamespaceTerminating(e)) return false;
          this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
          throw e;
        }
        s.log.info({ pod: name, revision: revisionName }, 'created pod');
        this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set.metadata.name} successful`);
        return true;
      }
      case 'delete': {
        const name = action.pod.metadata.name ?? '';
        try {
          await this.ctx.client.delete(podsInfo, ns, name, { preconditions: { uid: action.pod.metadata.uid } });
        } catch (e) {
          if (isNotFound(e) || isConflict(e)) return true;
          this.ctx.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
          throw e;
        }
        s.log.info({ pod: name, reason: action.reason }, 'deleted pod');
        this.ctx.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${name} in StatefulSet ${set.metadata.name} successful`);
        return true;
      }
      case 'ensureClaims':
        await this.createClaims(s, ordinalOf(action.pod), action.pod.metadata.name ?? '', action.pod);
        return true;
      case 'fixIdentity': {
        const labels = identityLabelsPatch(set, action.pod);
        if (labels) await this.ctx.client.patch(podsInfo, ns, action.pod.metadata.name ?? '', { metadata: { labels } }, 'merge');
        return true;
      }
    }
  }

  /**
   * Creates the ordinal's missing claims. False when a claim cannot be used yet:
   * it is being deleted, or still owned by an earlier, scaled-down pod.
   */
  private async createClaims(s: SyncState, ordinal: number, pod: string, existingPod: Pod | undefined): Promise<boolean> {
    const { set } = s;
    const ns = set.metadata.namespace ?? '';
    for (const { claim } of claimsFor(set, ordinal)) {
      const name = claim.metadata.name ?? '';
      const cached = this.claims.store.getByName(ns, name);
      if (cached) {
        if (cached.metadata.deletionTimestamp) throw new Error(`pvc ${name} is being deleted`);
        if (hasStaleOwnerRef(cached, existingPod?.metadata.uid)) {
          s.log.info({ claim: name }, 'claim still owned by a scaled-down pod; waiting for it to be deleted');
          this.queue.addAfter(s.key, 2000);
          return false;
        }
        continue;
      }
      const refs = claimOwnerRefs(claim, set, existingPod, !inRange(set, ordinal));
      if (refs?.length) claim.metadata.ownerReferences = refs;
      try {
        await this.ctx.client.create<PersistentVolumeClaim>(claimsInfo, ns, claim);
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
        throw e;
      }
      s.log.info({ claim: name }, 'created persistent volume claim');
      this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod} in StatefulSet ${set.metadata.name} success`);
    }
    return true;
  }

  /** Brings the claims' ownerReferences in line with persistentVolumeClaimRetentionPolicy, before any pod is deleted. */
  private async syncClaimOwners(s: SyncState, pods: Pod[]): Promise<void> {
    const { set } = s;
    const ns = set.metadata.namespace ?? '';
    for (const pod of pods) {
      const ordinal = ordinalOf(pod);
      for (const { claim } of claimsFor(set, ordinal)) {
        const cached = this.claims.store.getByName(ns, claim.metadata.name ?? '');
        if (!cached || cached.metadata.deletionTimestamp) continue;
        const refs = claimOwnerRefs(cached, set, pod, !inRange(set, ordinal));
        if (!refs) continue;
        // A merge patch replaces the whole list; the resourceVersion makes it fail rather than drop someone's new owner.
        await this.ctx.client.patch(claimsInfo, ns, cached.metadata.name ?? '', {
          metadata: { ownerReferences: refs, resourceVersion: cached.metadata.resourceVersion },
        }, 'merge');
        s.log.info({ claim: cached.metadata.name, owners: refs.map((r) => `${r.kind}/${r.name}`) }, 'updated claim owners for the retention policy');
      }
    }
  }

  // ---------------------------------------------------------------- status

  /** Writes the status; on a conflict once more on top of the fresh object (the counts come from the pods). */
  private async writeStatus(s: SyncState, status: StatefulSetStatus): Promise<void> {
    const { set } = s;
    let written: StatefulSet;
    try {
      written = await this.ctx.client.updateStatus<StatefulSet>(setsInfo, set.metadata.namespace, { ...set, status });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await this.ctx.client.get<StatefulSet>(setsInfo, set.metadata.namespace, set.metadata.name ?? '');
      if (fresh.metadata.uid !== set.metadata.uid) return;
      written = await this.ctx.client.updateStatus<StatefulSet>(setsInfo, set.metadata.namespace, { ...fresh, status });
    }
    this.setWrites.written(s.key, written.metadata.resourceVersion);
    s.log.debug({ status }, 'status updated');
  }
}
