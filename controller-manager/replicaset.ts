// The ReplicaSet controller (and, through the same core, the ReplicationController
// one): keeps `spec.replicas` active pods matching the selector, owned through a
// controller ownerReference, and reports how many exist / are ready / available.
import type { Logger } from 'pino';
import { isConflict, isNotFound, isApiError } from '../api/errors.js';
import { matches, selectorFromLabelSelector, selectorFromSet, isEverything, type Selector } from '../api/labels.js';
import { apiVersionOf, objectKey, type Condition, type KubeObject } from '../api/meta.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import type { Pod, PodTemplateSpec, ReplicaSet } from '../api/types/index.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';
import { podAdded, podDeleted, podUpdated, type PodOwnerHooks } from './owned-pod-events.js';
import { claimCandidates, claimObjects, ensureControllerIndex, getControllerOf, newControllerRef } from './controller-ref.js';
import {
  ControllerExpectations, isPodActive, isPodAvailable, isPodReady, OwnWrites, podFromTemplate, podsToDelete, slowStartBatch,
} from './pod-control.js';
import { semanticEqual } from './pod-template-hash.js';
import { formatTime } from '../api/time.js';

export const podsInfo = findResource('', 'v1', 'pods')!;
const replicaSetsInfo = findResource('apps', 'v1', 'replicasets')!;

/** At most this many creates or deletes per sync (Kubernetes' BurstReplicas). */
export const BURST_REPLICAS = 500;

/** The status both ReplicaSet and ReplicationController report. */
export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** What the shared core needs to know about the kind it manages. */
export interface ReplicaKind<T extends KubeObject> {
  info: ResourceInfo;
  /** throws on an invalid selector; an empty one must select nothing */
  selector(obj: T): Selector;
  replicas(obj: T): number;
  minReadySeconds(obj: T): number;
  template(obj: T): PodTemplateSpec | undefined;
  status(obj: T): ReplicaStatus | undefined;
}

export interface ManageError {
  /** negative: pods were missing; positive: pods were surplus */
  diff: number;
  message: string;
}

export interface StatusInput {
  generation?: number;
  status?: ReplicaStatus;
  templateLabels?: Record<string, string>;
  minReadySeconds: number;
}

/**
 * The status for the active pods a controller owns (Kubernetes' calculateStatus):
 * a ReplicaFailure condition while creating/deleting fails, removed once it works.
 */
export function calculateReplicaStatus(obj: StatusInput, pods: Pod[], manageError: ManageError | undefined, now: number): ReplicaStatus {
  const templateSel = selectorFromSet(obj.templateLabels);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (matches(templateSel, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, obj.minReadySeconds, now)) available++;
    }
  }
  let conditions = [...(obj.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const reason = manageError.diff < 0 ? 'FailedCreate' : manageError.diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: 'ReplicaFailure', status: 'True', reason, message: manageError.message, lastTransitionTime: formatTime(now) });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  const status: ReplicaStatus = { replicas: pods.length };
  // Zero counts are omitted on the wire, as Kubernetes' omitempty does.
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (obj.generation) status.observedGeneration = obj.generation;
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Equal as a reader sees them: a missing count is 0. */
export function replicaStatusEqual(a: ReplicaStatus | undefined, b: ReplicaStatus | undefined): boolean {
  const norm = (s: ReplicaStatus | undefined): unknown => ({
    replicas: s?.replicas ?? 0,
    fullyLabeledReplicas: s?.fullyLabeledReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    observedGeneration: s?.observedGeneration ?? 0,
    conditions: s?.conditions ?? [],
  });
  return semanticEqual(norm(a), norm(b));
}

/**
 * The controller loop shared by ReplicaSet and ReplicationController. Pods of an
 * owner are found through the pod informer (namespace index) and the owner's
 * selector; writes go to the API, the informer brings the results back.
 */
export class ReplicaManager<T extends KubeObject> extends Controller {
  readonly expectations = new ControllerExpectations();
  private readonly ownWrites = new OwnWrites();
  protected readonly owners: Informer<T>;
  protected readonly pods: Informer<Pod>;
  protected readonly burstReplicas: number;
  private readonly apiVersion: string;

  constructor(name: string, ctx: ControllerContext, protected readonly kind: ReplicaKind<T>, _opts: Partial<ControllerManagerOptions> = {}) {
    super(name, ctx);
    this.burstReplicas = BURST_REPLICAS;
    this.apiVersion = apiVersionOf(kind.info.group, kind.info.version);
    this.owners = ctx.informers.get<T>(kind.info);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    ensureControllerIndex(this.pods.store);
    this.owners.on('add', (obj) => this.enqueue(obj));
    this.owners.on('update', (_old, cur) => this.enqueue(cur));
    this.owners.on('delete', (obj) => {
      this.expectations.delete(objectKey(obj));
      this.ownWrites.forget(objectKey(obj));
      this.enqueue(obj);
    });
    const hooks: PodOwnerHooks<T> = {
      resolve: (ns, ref) => this.resolveControllerRef(ns, ref),
      selecting: (pod) => this.ownersSelecting(pod),
      enqueue: (owner) => this.enqueue(owner),
      enqueueAfter: (owner, ms) => this.enqueueAfter(owner, ms),
      minReadySeconds: (owner) => this.kind.minReadySeconds(owner),
      creationObserved: (key) => this.expectations.creationObserved(key),
      deletionObserved: (key, podKey) => this.expectations.deletionObserved(key, podKey),
    };
    this.pods.on('add', (pod) => podAdded(hooks, pod));
    this.pods.on('update', (old, cur) => podUpdated(hooks, old, cur));
    this.pods.on('delete', (pod) => podDeleted(hooks, pod));
  }

  // ---------------------------------------------------------------- events

  private resolveControllerRef(namespace: string | undefined, ref: { kind: string; name: string; uid: string }): T | undefined {
    if (ref.kind !== this.kind.info.kind) return undefined;
    const owner = this.owners.store.getByName(namespace, ref.name);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  private ownersSelecting(pod: Pod): T[] {
    const out: T[] = [];
    for (const owner of this.owners.store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
      let sel: Selector;
      try {
        sel = this.kind.selector(owner);
      } catch {
        continue;
      }
      if (!isEverything(sel) && matches(sel, pod.metadata.labels)) out.push(owner);
    }
    return out;
  }

  // ---------------------------------------------------------------- sync

  async sync(key: string): Promise<void> {
    const log = this.log.child({ key });
    const owner = this.owners.store.get(key);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    if (this.ownWrites.cacheBehind(key, owner.metadata.resourceVersion)) {
      // Our last status write is still on its way to the cache; its event brings us back.
      this.queue.addAfter(key, 1000);
      return;
    }
    let selector: Selector;
    try {
      selector = this.kind.selector(owner);
    } catch (e) {
      // An invalid selector will not fix itself; a spec update will enqueue it again.
      log.error({ err: (e as Error).message }, 'invalid selector');
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const active = claimCandidates(this.pods.store, owner).filter(isPodActive);
    const pods = await claimObjects(active, {
      client: this.ctx.client,
      owner,
      ownerInfo: this.kind.info,
      info: podsInfo,
      ownerRef: newControllerRef(owner, this.apiVersion, this.kind.info.kind),
      matches: (p) => !isEverything(selector) && matches(selector, p.metadata.labels),
    });

    let manageError: ManageError | undefined;
    let thrown: unknown;
    if (needsSync && !owner.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(owner, pods, log);
      } catch (e) {
        thrown = e;
        manageError = { diff: pods.length - this.kind.replicas(owner), message: (e as Error).message };
      }
    }

    const now = Date.now();
    const status = calculateReplicaStatus(
      {
        generation: owner.metadata.generation,
        status: this.kind.status(owner),
        templateLabels: this.kind.template(owner)?.metadata?.labels,
        minReadySeconds: this.kind.minReadySeconds(owner),
      },
      pods,
      manageError,
      now,
    );
    if (!replicaStatusEqual(this.kind.status(owner), status)) {
      await this.writeStatus(owner, status);
      log.debug({ replicas: status.replicas, ready: status.readyReplicas ?? 0, available: status.availableReplicas ?? 0 }, 'status updated');
    }
    const minReady = this.kind.minReadySeconds(owner);
    const want = this.kind.replicas(owner);
    if (!thrown && minReady > 0 && (status.readyReplicas ?? 0) === want && (status.availableReplicas ?? 0) !== want) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (thrown) throw thrown;
  }

  /**
   * Writes the status; on a conflict (someone else changed the object, e.g. the
   * Deployment controller scaled it) once more on top of the fresh object, as
   * Kubernetes does: the counts come from the pods, not from the stale copy.
   */
  private async writeStatus(owner: T, status: ReplicaStatus): Promise<void> {
    const namespace = owner.metadata.namespace;
    let written: KubeObject;
    try {
      written = await this.ctx.client.updateStatus(this.kind.info, namespace, { ...owner, status });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await this.ctx.client.get<T>(this.kind.info, namespace, owner.metadata.name ?? '');
      if (fresh.metadata.uid !== owner.metadata.uid) return;
      written = await this.ctx.client.updateStatus(this.kind.info, namespace, { ...fresh, status });
    }
    this.ownWrites.written(objectKey(owner), written.metadata.resourceVersion);
  }

  /** Creates or deletes pods so exactly spec.replicas are active, recording what the informer should show next. */
  private async manageReplicas(owner: T, pods: Pod[], log: Logger): Promise<void> {
    const key = objectKey(owner);
    const namespace = owner.metadata.namespace ?? '';
    const want = this.kind.replicas(owner);
    const diff = pods.length - want;
    if (diff < 0) {
      const template = this.kind.template(owner);
      if (!template) throw new Error('no pod template to create pods from');
      const count = Math.min(-diff, this.burstReplicas);
      this.expectations.expectCreations(key, count);
      log.info({ want, have: pods.length, creating: count }, 'too few replicas');
      const ref = newControllerRef(owner, this.apiVersion, this.kind.info.kind);
      const result = await slowStartBatch(count, 1, async () => {
        try {
          const created = await this.ctx.client.create<Pod>(podsInfo, namespace, podFromTemplate(template, namespace, owner.metadata.name ?? '', ref));
          this.ctx.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (e) {
          // Nothing can be created in a namespace being deleted; not worth retrying.
          if (isNamespaceTerminating(e)) return;
          this.ctx.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
          throw e;
        }
      });
      // Pods never created will never be observed: stop expecting them.
      for (let i = result.successes; i < count; i++) this.expectations.creationObserved(key);
      if (result.error !== undefined) throw result.error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, this.burstReplicas);
      const victims = podsToDelete(pods, count, this.relatedPods(owner, pods));
      log.info({ want, have: pods.length, deleting: victims.map((p) => p.metadata.name) }, 'too many replicas');
      this.expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.ctx.client.delete(podsInfo, namespace, pod.metadata.name ?? '');
            this.ctx.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
          } catch (e) {
            // The informer will never show a delete that did not happen.
            this.expectations.deletionObserved(key, objectKey(pod));
            if (isNotFound(e)) return;
            this.ctx.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
            throw e;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * Active pods of the owner's whole family: for a ReplicaSet of a Deployment, the
   * pods of every ReplicaSet of that Deployment (used to spread deletions over nodes).
   */
  private relatedPods(owner: T, own: Pod[]): Pod[] {
    const parent = getControllerOf(owner);
    if (!parent) return own;
    const siblings = new Set<string>();
    for (const o of this.owners.store.byIndex(NAMESPACE_INDEX, owner.metadata.namespace ?? '')) {
      if (getControllerOf(o)?.uid === parent.uid && o.metadata.uid) siblings.add(o.metadata.uid);
    }
    return this.pods.store
      .byIndex(NAMESPACE_INDEX, owner.metadata.namespace ?? '')
      .filter((p) => isPodActive(p) && siblings.has(getControllerOf(p)?.uid ?? ''));
  }
}

function isNamespaceTerminating(e: unknown): boolean {
  return isApiError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export const replicaSetKind: ReplicaKind<ReplicaSet> = {
  info: replicaSetsInfo,
  selector: (rs) => selectorFromLabelSelector(rs.spec?.selector),
  replicas: (rs) => rs.spec?.replicas ?? 1,
  minReadySeconds: (rs) => rs.spec?.minReadySeconds ?? 0,
  template: (rs) => rs.spec?.template,
  status: (rs) => rs.status,
};

export class ReplicaSetController extends ReplicaManager<ReplicaSet> {
  constructor(ctx: ControllerContext, opts: Partial<ControllerManagerOptions> = {}) {
    super('replicaset', ctx, replicaSetKind, opts);
  }
}
