// The DaemonSet controller: one pod per eligible node, pinned there with a
// `metadata.name In [node]` node affinity for the scheduler to bind; its template
// history in ControllerRevisions (`controller-revision-hash` on each pod); rolled
// with RollingUpdate (maxUnavailable / maxSurge) or left to the user with OnDelete.
// The decisions are pure functions in daemonset-nodes.ts, daemonset-history.ts and
// daemonset-rollout.ts; this file reads the caches and applies them through the API.
import type { Logger } from 'pino';
import { isAlreadyExists, isApiError, isConflict, isNotFound } from '../api/errors.js';
import { isEverything, matches, selectorFromLabelSelector, type Selector } from '../api/labels.js';
import { objectKey, type KubeObject, type OwnerReference } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { Controller, type ControllerContext } from './controller.js';
import { claimObjects, getControllerOf, isControlledBy, newControllerRef } from './controller-ref.js';
import {
  dedupCurrent, hashOf, historyToCleanUp, maxRevision, newRevision, revisionMatches, splitHistory, templateHash,
} from './daemonset-history.js';
import { CONTROLLER_REVISION_HASH_LABEL, daemonPodTemplate, daemonPodTemplateForNode, nodeShouldRunDaemonPod, targetNodeName } from './daemonset-nodes.js';
import {
  daemonSetCounts, daemonSetStatusEqual, FailedPodsBackoff, managePlan, rollingUpdatePlan, type NodeToPods,
} from './daemonset-rollout.js';
import type { ControllerManagerOptions } from './options.js';
import { podAdded, podDeleted, podUpdated, type PodOwnerHooks } from './owned-pod-events.js';
import { ControllerExpectations, OwnWrites, podFromTemplate, slowStartBatch } from './pod-control.js';
import { BURST_REPLICAS } from './replicaset.js';

const daemonSetsInfo = findResource('apps', 'v1', 'daemonsets')!;
const revisionsInfo = findResource('apps', 'v1', 'controllerrevisions')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const nodesInfo = findResource('', 'v1', 'nodes')!;

export class DaemonSetController extends Controller {
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  /** creations and deletions are tracked apart: one sync may do both */
  private readonly creations = new ControllerExpectations();
  private readonly deletions = new ControllerExpectations();
  private readonly ownWrites = new OwnWrites();
  private readonly failedBackoff = new FailedPodsBackoff();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('daemonset', ctx);
    this.daemonSets = ctx.informers.get<DaemonSet>(daemonSetsInfo);
    this.revisions = ctx.informers.get<ControllerRevision>(revisionsInfo);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    this.nodes = ctx.informers.get<Node>(nodesInfo);
    this.daemonSets.on('add', (ds) => this.enqueue(ds));
    this.daemonSets.on('update', (_old, cur) => this.enqueue(cur));
    this.daemonSets.on('delete', (ds) => {
      const key = objectKey(ds);
      this.creations.delete(key);
      this.deletions.delete(key);
      this.ownWrites.forget(key);
      this.enqueue(ds);
    });
    this.revisions.on('add', (cr) => this.enqueueOwner(cr));
    this.revisions.on('update', (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      this.enqueueOwner(cur);
      if (getControllerOf(old)?.uid !== getControllerOf(cur)?.uid) this.enqueueOwner(old);
    });
    this.revisions.on('delete', (cr) => this.enqueueOwner(cr));
    const hooks: PodOwnerHooks<DaemonSet> = {
      resolve: (ns, ref) => this.resolveControllerRef(ns, ref),
      selecting: (pod) => this.daemonSetsSelecting(pod),
      enqueue: (ds) => this.enqueue(ds),
      enqueueAfter: (ds, ms) => this.enqueueAfter(ds, ms),
      minReadySeconds: (ds) => ds.spec.minReadySeconds ?? 0,
      creationObserved: (key) => this.creations.creationObserved(key),
      deletionObserved: (key, podKey) => this.deletions.deletionObserved(key, podKey),
    };
    this.pods.on('add', (pod) => podAdded(hooks, pod));
    this.pods.on('update', (old, cur) => podUpdated(hooks, old, cur));
    this.pods.on('delete', (pod) => podDeleted(hooks, pod));
    this.nodes.on('add', (node) => {
      for (const ds of this.daemonSets.store.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.enqueue(ds);
    });
    this.nodes.on('update', (old, cur) => this.updateNode(old, cur));
    // Kubernetes waits for pod GC here; enqueueing at once keeps desiredNumberScheduled honest sooner.
    this.nodes.on('delete', () => {
      for (const ds of this.daemonSets.store.list()) this.enqueue(ds);
    });
  }

  // ---------------------------------------------------------------- events

  private enqueueOwner(obj: KubeObject): void {
    const ds = this.resolveControllerRef(obj.metadata.namespace, getControllerOf(obj));
    if (ds) this.enqueue(ds);
  }

  private updateNode(old: Node, cur: Node): void {
    for (const ds of this.daemonSets.store.list()) {
      const a = nodeShouldRunDaemonPod(old, ds);
      const b = nodeShouldRunDaemonPod(cur, ds);
      if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) this.enqueue(ds);
    }
  }

  private resolveControllerRef(namespace: string | undefined, ref: OwnerReference | undefined): DaemonSet | undefined {
    if (ref?.kind !== 'DaemonSet') return undefined;
    const ds = this.daemonSets.store.getByName(namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  private daemonSetsSelecting(pod: Pod): DaemonSet[] {
    return this.daemonSets.store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '').filter((ds) => {
      try {
        const sel = selectorFromLabelSelector(ds.spec.selector);
        return !isEverything(sel) && matches(sel, pod.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  // ---------------------------------------------------------------- sync

  async sync(key: string): Promise<void> {
    const cached = this.daemonSets.store.get(key);
    if (!cached) {
      this.creations.delete(key);
      this.deletions.delete(key);
      return;
    }
    if (this.ownWrites.cacheBehind(key, cached.metadata.resourceVersion)) {
      this.queue.addAfter(key, 1000); // the event of our own write brings us back sooner
      return;
    }
    const ds = structuredClone(cached);
    const log = this.log.child({ key });
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(ds.spec.selector);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'invalid selector');
      return;
    }
    if (isEverything(selector)) {
      this.ctx.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // History and status of a DaemonSet being deleted cannot be trusted: the garbage collector is taking them apart.
    if (ds.metadata.deletionTimestamp) return;

    const nodes = this.nodes.store.list();
    const { hash, old } = await this.constructHistory(ds, selector, log);
    // One look at the pods per sync: after our own creates and deletes the cache lags anyway, and the expectations cover that.
    const nodeToPods = await this.nodeToPods(ds, selector);
    const satisfied = (): boolean => this.creations.satisfied(key) && this.deletions.satisfied(key);
    if (!satisfied()) {
      // Only the status: observedGeneration stays, this generation was not acted on yet.
      await this.updateStatus(ds, nodes, nodeToPods, hash, false);
      return;
    }
    let failure: unknown;
    try {
      await this.manage(ds, nodes, nodeToPods, hash, log);
      if (satisfied() && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        const plan = rollingUpdatePlan(ds, nodes, nodeToPods, hash, Date.now());
        if (plan.podsToDelete.length || plan.nodesToCreate.length) {
          log.info({ deleting: plan.podsToDelete.map((p) => p.metadata.name), creating: plan.nodesToCreate }, 'rolling update step');
        }
        await this.syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash, log);
      }
      await this.cleanupHistory(ds, nodeToPods, old);
    } catch (e) {
      failure = e;
    }
    await this.updateStatus(ds, nodes, nodeToPods, hash, true);
    if (failure) throw failure;
  }

  /** Claimed pods (adopting orphans, releasing strays) grouped by the node they are on or pinned to. */
  private async nodeToPods(ds: DaemonSet, selector: Selector): Promise<NodeToPods> {
    const candidates = this.pods.store.byIndex(NAMESPACE_INDEX, ds.metadata.namespace ?? '');
    const pods = await claimObjects(candidates, {
      client: this.ctx.client,
      owner: ds,
      ownerInfo: daemonSetsInfo,
      info: podsInfo,
      ownerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'),
      matches: (p) => matches(selector, p.metadata.labels),
    });
    const out: NodeToPods = new Map();
    for (const pod of pods) {
      // A terminal pod already being removed is of no further interest.
      const phase = pod.status?.phase;
      if ((phase === 'Succeeded' || phase === 'Failed') && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      out.set(node, [...(out.get(node) ?? []), pod]);
    }
    return out;
  }

  private async manage(ds: DaemonSet, nodes: Node[], nodeToPods: NodeToPods, hash: string, log: Logger): Promise<void> {
    const key = objectKey(ds);
    const now = Date.now();
    const plan = managePlan(ds, nodes, nodeToPods, hash, now, this.failedBackoff, key);
    this.failedBackoff.gc(now);
    for (const pod of plan.failedPods) {
      this.ctx.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${pod.spec?.nodeName ?? ''}, will try to kill it`);
    }
    if (plan.requeueAfterMs !== undefined) this.queue.addAfter(key, plan.requeueAfterMs);
    if (plan.nodesNeedingPods.length || plan.podsToDelete.length) {
      log.info({ creatingOn: plan.nodesNeedingPods, deleting: plan.podsToDelete.map((p) => p.metadata.name) }, 'nodes need daemon pods / pods must go');
    }
    await this.syncNodes(ds, plan.podsToDelete, plan.nodesNeedingPods, hash, log);
  }

  /** Creates pods on `nodeNames` (slow-start batches) and deletes `podsToDelete`, expecting to see both in the cache. */
  private async syncNodes(ds: DaemonSet, podsToDelete: Pod[], nodeNames: string[], hash: string, log: Logger): Promise<void> {
    const key = objectKey(ds);
    const namespace = ds.metadata.namespace ?? '';
    const toCreate = nodeNames.slice(0, BURST_REPLICAS);
    const toDelete = podsToDelete.slice(0, BURST_REPLICAS);
    if (!toCreate.length && !toDelete.length) return;
    this.creations.expectCreations(key, toCreate.length);
    this.deletions.expectDeletions(key, toDelete.map((p) => objectKey(p)));
    const errors: unknown[] = [];

    const template = daemonPodTemplate(ds.spec.template, hash);
    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    let next = 0;
    const result = await slowStartBatch(toCreate.length, 1, async () => {
      const node = toCreate[next++];
      try {
        const pod = podFromTemplate(daemonPodTemplateForNode(template, node), namespace, ds.metadata.name ?? '', ref);
        const created = await this.ctx.client.create<Pod>(podsInfo, namespace, pod);
        this.ctx.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (e) {
        // Nothing can be created in a namespace being deleted; not worth retrying.
        if (isNamespaceTerminating(e)) return;
        this.ctx.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
        throw e;
      }
    });
    // Pods never created will never be observed.
    for (let i = result.successes; i < toCreate.length; i++) this.creations.creationObserved(key);
    if (result.error !== undefined) errors.push(result.error);

    const deleted = await Promise.allSettled(toDelete.map(async (pod) => {
      try {
        await this.ctx.client.delete(podsInfo, namespace, pod.metadata.name ?? '');
        this.ctx.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (e) {
        this.deletions.deletionObserved(key, objectKey(pod));
        if (isNotFound(e)) return;
        this.ctx.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
        throw e;
      }
    }));
    for (const r of deleted) if (r.status === 'rejected') errors.push(r.reason);
    if (errors.length) {
      log.warn({ errors: errors.length }, 'creating or deleting daemon pods failed');
      throw errors[0];
    }
  }

  // ---------------------------------------------------------------- history

  /** The current revision's hash (creating its ControllerRevision when missing) and the old revisions. */
  private async constructHistory(ds: DaemonSet, selector: Selector, log: Logger): Promise<{ hash: string; old: ControllerRevision[] }> {
    const namespace = ds.metadata.namespace ?? '';
    const owned = await claimObjects(this.revisions.store.byIndex(NAMESPACE_INDEX, namespace), {
      client: this.ctx.client,
      owner: ds,
      ownerInfo: daemonSetsInfo,
      info: revisionsInfo,
      ownerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'),
      matches: (cr) => matches(selector, cr.metadata.labels),
    });
    const histories: ControllerRevision[] = [];
    for (const cr of owned) {
      if (cr.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]) {
        histories.push(cr);
        continue;
      }
      // Named after the hash when we made it; the label lets pods be matched to it.
      const labelled = structuredClone(cr);
      labelled.metadata.labels = { ...(labelled.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: cr.metadata.name ?? '' };
      histories.push(await this.ctx.client.update<ControllerRevision>(revisionsInfo, namespace, labelled));
    }
    const { current, old } = splitHistory(ds, histories);
    const wantRevision = maxRevision(old) + 1;
    if (current.length === 0) {
      const cr = await this.snapshot(ds, wantRevision, log);
      return { hash: hashOf(cr), old };
    }
    const { keep, drop } = dedupCurrent(current);
    for (const dup of drop) await this.dropDuplicate(ds, dup, hashOf(keep));
    let cur = keep;
    if ((cur.revision ?? 0) < wantRevision) {
      cur = await this.ctx.client.update<ControllerRevision>(revisionsInfo, namespace, { ...structuredClone(cur), revision: wantRevision });
      log.info({ revision: wantRevision, controllerRevision: cur.metadata.name }, 'template returned to an earlier revision');
    }
    return { hash: hashOf(cur), old };
  }

  private async snapshot(ds: DaemonSet, revision: number, log: Logger): Promise<ControllerRevision> {
    const namespace = ds.metadata.namespace ?? '';
    const hash = templateHash(ds);
    const cr = newRevision(ds, revision, hash, newControllerRef(ds, 'apps/v1', 'DaemonSet'));
    try {
      const created = await this.ctx.client.create<ControllerRevision>(revisionsInfo, namespace, cr);
      log.info({ controllerRevision: created.metadata.name, revision }, 'created controller revision');
      return created;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await this.ctx.client.get<ControllerRevision>(revisionsInfo, namespace, cr.metadata.name ?? '');
      // Ours from an earlier sync the cache has not shown yet?
      if (isControlledBy(existing, ds) && revisionMatches(ds, existing)) return existing;
      // A hash collision: a different template owns the name; perturb the hash and retry.
      const fresh = await this.ctx.client.get<DaemonSet>(daemonSetsInfo, namespace, ds.metadata.name ?? '');
      if ((fresh.status?.collisionCount ?? 0) !== (ds.status?.collisionCount ?? 0)) {
        throw new Error(`stale collision count of DaemonSet ${ds.metadata.name}; will retry once it is updated`, { cause: e });
      }
      const status = { ...(fresh.status ?? emptyStatus()), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 };
      const written = await this.ctx.client.updateStatus<DaemonSet>(daemonSetsInfo, namespace, { ...fresh, status });
      this.ownWrites.written(objectKey(ds), written.metadata.resourceVersion);
      log.warn({ controllerRevision: cr.metadata.name, collisionCount: status.collisionCount }, 'controller revision hash collision');
      throw e;
    }
  }

  /** A second revision of the current template: its pods take the kept revision's hash, then it goes. */
  private async dropDuplicate(ds: DaemonSet, dup: ControllerRevision, keepHash: string): Promise<void> {
    const namespace = ds.metadata.namespace ?? '';
    const dupHash = hashOf(dup);
    for (const pod of this.pods.store.byIndex(NAMESPACE_INDEX, namespace)) {
      if (!isControlledBy(pod, ds) || pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== dupHash) continue;
      await this.ctx.client.patch(podsInfo, namespace, pod.metadata.name ?? '', { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: keepHash } } }, 'merge')
        .catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        });
    }
    await this.ctx.client.delete(revisionsInfo, namespace, dup.metadata.name ?? '').catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }

  private async cleanupHistory(ds: DaemonSet, nodeToPods: NodeToPods, old: ControllerRevision[]): Promise<void> {
    const live = new Set<string>();
    for (const pods of nodeToPods.values()) {
      for (const pod of pods) {
        const h = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
        if (h) live.add(h);
      }
    }
    for (const cr of historyToCleanUp(old, ds.spec.revisionHistoryLimit, live)) {
      await this.ctx.client.delete(revisionsInfo, ds.metadata.namespace, cr.metadata.name ?? '').catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }

  // ---------------------------------------------------------------- status

  private async updateStatus(ds: DaemonSet, nodes: Node[], nodeToPods: NodeToPods, hash: string, observe: boolean): Promise<void> {
    const counts = daemonSetCounts(ds, nodes, nodeToPods, hash, Date.now());
    const status: DaemonSetStatus = {
      ...(ds.status?.conditions ? { conditions: ds.status.conditions } : {}),
      ...(ds.status?.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
      currentNumberScheduled: counts.currentNumberScheduled,
      numberMisscheduled: counts.numberMisscheduled,
      desiredNumberScheduled: counts.desiredNumberScheduled,
      numberReady: counts.numberReady,
    };
    const observed = observe ? ds.metadata.generation : ds.status?.observedGeneration;
    if (observed) status.observedGeneration = observed;
    // Zero counts are omitted on the wire, as Kubernetes' omitempty does.
    if (counts.updatedNumberScheduled) status.updatedNumberScheduled = counts.updatedNumberScheduled;
    if (counts.numberAvailable) status.numberAvailable = counts.numberAvailable;
    if (counts.numberUnavailable) status.numberUnavailable = counts.numberUnavailable;
    if (!daemonSetStatusEqual(ds.status, status)) await this.writeStatus(ds, status);
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) this.queue.addAfter(objectKey(ds), minReady * 1000);
  }

  /** On a conflict once more on top of the fresh object: the counts come from the pods, not the stale copy. */
  private async writeStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    const namespace = ds.metadata.namespace;
    let written: KubeObject;
    try {
      written = await this.ctx.client.updateStatus<DaemonSet>(daemonSetsInfo, namespace, { ...ds, status });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await this.ctx.client.get<DaemonSet>(daemonSetsInfo, namespace, ds.metadata.name ?? '');
      if (fresh.metadata.uid !== ds.metadata.uid) return;
      written = await this.ctx.client.updateStatus<DaemonSet>(daemonSetsInfo, namespace, { ...fresh, status: { ...status, collisionCount: fresh.status?.collisionCount } });
    }
    this.ownWrites.written(objectKey(ds), written.metadata.resourceVersion);
  }
}

function emptyStatus(): DaemonSetStatus {
  return { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

function isNamespaceTerminating(e: unknown): boolean {
  return isApiError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
