// The Deployment controller: one ReplicaSet per pod template (`<name>-<hash>`),
// rolled from old to new with RollingUpdate or Recreate, revisions kept in
// annotations for `kubectl rollout history/undo`, and the status `kubectl rollout
// status` waits on. The decisions are pure functions (deployment-rollout.ts,
// deployment-revisions.ts, deployment-status.ts); this file reads the caches,
// applies those decisions through the API, and reacts to events.
import type { Logger } from 'pino';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { isEverything, matches, selectorFromLabelSelector, type Selector } from '../api/labels.js';
import { objectKey, type KubeObject } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { Controller, type ControllerContext } from './controller.js';
import { OwnWrites } from './pod-control.js';
import { claimObjects, getControllerOf, isControlledBy, newControllerRef } from './controller-ref.js';
import type { ControllerManagerOptions } from './options.js';
import {
  actualReplicaCount, deploymentReplicas, isScalingEvent, maxSurge, newRSNewReplicas, nextRecreateStep,
  nextRollingStep, scalePlan, specReplicas,
} from './deployment-rollout.js';
import {
  findNewReplicaSet, findOldReplicaSets, maxRevision, replicaSetsToCleanUp, REVISION_ANNOTATION,
  replicasAnnotationsNeedUpdate, setNewReplicaSetAnnotations, setReplicasAnnotations,
} from './deployment-revisions.js';
import {
  calculateStatus, compactStatus, deploymentComplete, deploymentStatusEqual, getCondition, hasProgressDeadline,
  newCondition, pausedConditionStatus, PROGRESSING, Reasons, rolloutStatus, setCondition, stuckRequeueMs,
} from './deployment-status.js';
import { cloneAndAddLabel, computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL, semanticEqual } from './pod-template-hash.js';

const deploymentsInfo = findResource('apps', 'v1', 'deployments')!;
const replicaSetsInfo = findResource('apps', 'v1', 'replicasets')!;
const podsInfo = findResource('', 'v1', 'pods')!;

interface FoundReplicaSets {
  newRS?: ReplicaSet;
  oldRSs: ReplicaSet[];
}

/** What one sync works on: the deployment (kept current as we write it) and its logger. */
interface SyncState {
  d: Deployment;
  key: string;
  log: Logger;
}

export class DeploymentController extends Controller {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  /** our writes not yet seen in the caches, so a sync never acts on what it has already changed */
  private readonly deploymentWrites = new OwnWrites();
  private readonly replicaSetWrites = new OwnWrites();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('deployment', ctx);
    this.deployments = ctx.informers.get<Deployment>(deploymentsInfo);
    this.replicaSets = ctx.informers.get<ReplicaSet>(replicaSetsInfo);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    this.deployments.on('add', (d) => this.enqueue(d));
    this.deployments.on('update', (_old, cur) => this.enqueue(cur));
    this.deployments.on('delete', (d) => {
      this.deploymentWrites.forget(objectKey(d));
      this.enqueue(d);
    });
    this.replicaSets.on('add', (rs) => this.addReplicaSet(rs));
    this.replicaSets.on('update', (old, cur) => this.updateReplicaSet(old, cur));
    this.replicaSets.on('delete', (rs) => {
      this.replicaSetWrites.forget(objectKey(rs));
      const d = this.ownerOf(rs);
      if (d) this.enqueue(d);
    });
    this.pods.on('delete', (pod) => this.deletePod(pod));
  }

  // ---------------------------------------------------------------- events

  private addReplicaSet(rs: ReplicaSet): void {
    if (getControllerOf(rs)) {
      const d = this.ownerOf(rs);
      if (d) this.enqueue(d);
      return;
    }
    for (const d of this.deploymentsSelecting(rs)) this.enqueue(d);
  }

  private updateReplicaSet(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // periodic resync
    const oldRef = getControllerOf(old);
    const curRef = getControllerOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const d = this.ownerOf(old);
      if (d) this.enqueue(d);
    }
    if (curRef) {
      const d = this.ownerOf(cur);
      if (d) this.enqueue(d);
      return;
    }
    const labelsChanged = !semanticEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.deploymentsSelecting(cur)) this.enqueue(d);
  }

  /** A Recreate rollout waits for the old pods to be gone; their deletion is its cue. */
  private deletePod(pod: Pod): void {
    const ref = getControllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.store.getByName(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.ownerOf(rs);
    if (d?.spec.strategy?.type === 'Recreate') this.enqueue(d);
  }

  private ownerOf(rs: ReplicaSet): Deployment | undefined {
    const ref = getControllerOf(rs);
    if (ref?.kind !== 'Deployment') return undefined;
    const d = this.deployments.store.getByName(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private deploymentsSelecting(rs: ReplicaSet): Deployment[] {
    return this.deployments.store.byIndex(NAMESPACE_INDEX, rs.metadata.namespace ?? '').filter((d) => {
      try {
        const sel = selectorFromLabelSelector(d.spec.selector);
        return !isEverything(sel) && matches(sel, rs.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  // ---------------------------------------------------------------- sync

  async sync(key: string): Promise<void> {
    const cached = this.deployments.store.get(key);
    if (!cached) return; // its ReplicaSets go with it through the garbage collector
    if (this.deploymentWrites.cacheBehind(key, cached.metadata.resourceVersion)) {
      this.queue.addAfter(key, 1000); // the event of our own write brings us back sooner
      return;
    }
    const s: SyncState = { d: structuredClone(cached), key, log: this.log.child({ key }) };
    const d = s.d;
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(d.spec.selector);
    } catch (e) {
      this.ctx.recorder.event(d, 'Warning', 'InvalidSelector', `invalid label selector: ${(e as Error).message}`);
      return;
    }
    if (isEverything(selector)) {
      this.ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.writeStatus(s, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      }
      return;
    }

    const rsList = await this.claimReplicaSets(d, selector);
    if (rsList.some((rs) => this.replicaSetWrites.cacheBehind(objectKey(rs), rs.metadata.resourceVersion))) {
      this.queue.addAfter(key, 1000);
      return;
    }
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(s, rsList, false);
      await this.syncStatus(s, [...oldRSs, newRS], newRS);
      return;
    }

    const paused = pausedConditionStatus(d, Date.now());
    if (paused) await this.writeStatus(s, paused);

    // Looked up once per sync: a second look would see our own annotation update
    // only after the cache catches up, and conflict with it.
    const found = await this.getAllReplicaSetsAndSyncRevision(s, rsList, false);
    if (d.spec.paused || isScalingEvent(d, found.newRS, found.oldRSs)) {
      await this.scaleAndSyncStatus(s, found);
      return;
    }
    if (d.spec.strategy?.type === 'Recreate') await this.rolloutRecreate(s, rsList, found, selector);
    else await this.rolloutRolling(s, rsList, found);
  }

  /** ReplicaSets this deployment controls after adopting matching orphans and releasing non-matching ones. */
  private claimReplicaSets(d: Deployment, selector: Selector): Promise<ReplicaSet[]> {
    const candidates = this.replicaSets.store.byIndex(NAMESPACE_INDEX, d.metadata.namespace ?? '');
    return claimObjects(candidates, {
      client: this.ctx.client,
      owner: d,
      ownerInfo: deploymentsInfo,
      info: replicaSetsInfo,
      ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      matches: (rs) => matches(selector, rs.metadata.labels),
    });
  }

  // ---------------------------------------------------------------- strategies

  private async rolloutRolling(s: SyncState, rsList: ReplicaSet[], found: FoundReplicaSets): Promise<void> {
    const { d } = s;
    const oldRSs = [...found.oldRSs];
    let newRS = found.newRS ?? (await this.getNewReplicaSet(s, rsList, oldRSs, true))!;
    const step = nextRollingStep(d, newRS, oldRSs);
    if (step.action === 'scaleUpNew') {
      newRS = (await this.scaleReplicaSet(s, newRS, step.replicas)).rs;
      await this.syncRolloutStatus(s, [...oldRSs, newRS], newRS);
      return;
    }
    if (step.action === 'scaleDownOld') {
      for (const change of step.changes) replaceIn(oldRSs, (await this.scaleReplicaSet(s, change.rs, change.replicas)).rs);
      await this.syncRolloutStatus(s, [...oldRSs, newRS], newRS);
      return;
    }
    if (deploymentComplete(d, d.status ?? {})) await this.cleanupOldReplicaSets(s, oldRSs);
    await this.syncRolloutStatus(s, [...oldRSs, newRS], newRS);
  }

  private async rolloutRecreate(s: SyncState, rsList: ReplicaSet[], found: FoundReplicaSets, selector: Selector): Promise<void> {
    const { d } = s;
    // The new ReplicaSet is only created once the old pods are gone, so both never run together.
    let newRS = found.newRS;
    const oldRSs = [...found.oldRSs];
    let step = nextRecreateStep(d, newRS, oldRSs, this.oldPodsRunning(d, selector, newRS, oldRSs));
    if (step.action === 'scaleDownOld') {
      for (const change of step.changes) replaceIn(oldRSs, (await this.scaleReplicaSet(s, change.rs, change.replicas)).rs);
      await this.syncRolloutStatus(s, [...oldRSs, newRS], newRS);
      return;
    }
    if (step.action === 'waitForOldPods') {
      await this.syncRolloutStatus(s, [...oldRSs, newRS], newRS);
      return;
    }
    if (step.action === 'createNew') {
      newRS = await this.getNewReplicaSet(s, rsList, oldRSs, true);
      step = nextRecreateStep(d, newRS, oldRSs, false);
    }
    if (step.action === 'scaleUpNew' && newRS) newRS = (await this.scaleReplicaSet(s, newRS, step.replicas)).rs;
    if (deploymentComplete(d, d.status ?? {})) await this.cleanupOldReplicaSets(s, oldRSs);
    await this.syncRolloutStatus(s, [...oldRSs, newRS], newRS);
  }

  /** Old ReplicaSets still have pods, or pods of theirs are still around (terminating). */
  private oldPodsRunning(d: Deployment, selector: Selector, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (actualReplicaCount(oldRSs) > 0) return true;
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return this.pods.store.byIndex(NAMESPACE_INDEX, d.metadata.namespace ?? '').some((pod) => {
      const ref = getControllerOf(pod);
      if (!ref || !oldUids.has(ref.uid) || ref.uid === newRS?.metadata.uid) return false;
      if (!matches(selector, pod.metadata.labels)) return false;
      const phase = pod.status?.phase;
      return phase !== 'Succeeded' && phase !== 'Failed';
    });
  }

  /** A scale of the deployment (or any change while paused): resize ReplicaSets, no rollout progress. */
  private async scaleAndSyncStatus(s: SyncState, found: FoundReplicaSets): Promise<void> {
    const { d } = s;
    let newRS = found.newRS;
    const oldRSs = [...found.oldRSs];
    for (const change of scalePlan(d, newRS, oldRSs)) {
      const updated = (await this.scaleReplicaSet(s, change.rs, change.replicas)).rs;
      if (newRS && updated.metadata.uid === newRS.metadata.uid) newRS = updated;
      else replaceIn(oldRSs, updated);
    }
    if (d.spec.paused) await this.cleanupOldReplicaSets(s, oldRSs);
    await this.syncStatus(s, [...oldRSs, newRS], newRS);
  }

  // ---------------------------------------------------------------- replica sets

  /**
   * The new ReplicaSet (created when asked and missing) and all old ones, with the
   * revision annotations of the new one and of the deployment brought up to date.
   */
  private async getAllReplicaSetsAndSyncRevision(s: SyncState, rsList: ReplicaSet[], create: boolean): Promise<FoundReplicaSets> {
    const { all: oldRSs } = findOldReplicaSets(s.d, rsList);
    const newRS = await this.getNewReplicaSet(s, rsList, oldRSs, create);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(s: SyncState, rsList: ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const { d } = s;
    const namespace = d.metadata.namespace ?? '';
    const newRevision = maxRevision(oldRSs) + 1;
    const existing = findNewReplicaSet(d, rsList);
    if (existing) {
      let rs = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReadyChanged = (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      if (annotationsChanged || minReadyChanged) {
        rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        rs = await this.ctx.client.update<ReplicaSet>(replicaSetsInfo, namespace, rs);
        this.replicaSetWrites.written(objectKey(rs), rs.metadata.resourceVersion);
        s.log.info({ replicaSet: rs.metadata.name, revision: rs.metadata.annotations?.[REVISION_ANNOTATION] }, 'updated new replica set annotations');
      }
      await this.setDeploymentRevision(s, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      // A rollout first noticed now (no Progressing condition yet) starts its deadline clock here.
      if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
        const status = structuredClone(d.status ?? {});
        setCondition(status, newCondition(PROGRESSING, 'True', Reasons.foundNewRS, `Found new replica set "${rs.metadata.name}"`, Date.now()));
        await this.writeStatus(s, status);
      }
      return rs;
    }
    if (!create) return undefined;

    const template = structuredClone(d.spec.template);
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: cloneAndAddLabel(template.metadata?.labels, POD_TEMPLATE_HASH_LABEL, hash) };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = cloneAndAddLabel(selector.matchLabels, POD_TEMPLATE_HASH_LABEL, hash);
    const fresh: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    fresh.spec.replicas = newRSNewReplicas(d, [...oldRSs, fresh], fresh);
    setNewReplicaSetAnnotations(d, fresh, newRevision, false);

    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.ctx.client.create<ReplicaSet>(replicaSetsInfo, namespace, fresh);
    } catch (e) {
      if (isAlreadyExists(e)) {
        // Ours, created by an earlier sync the cache has not shown yet? Otherwise a hash collision.
        const other = await this.ctx.client.get<ReplicaSet>(replicaSetsInfo, namespace, fresh.metadata.name!);
        if (isControlledBy(other, d) && equalIgnoreHash(other.spec.template, d.spec.template)) {
          created = other;
          alreadyExisted = true;
        } else {
          const status = structuredClone(d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus(s, status);
          s.log.warn({ replicaSet: fresh.metadata.name, collisionCount: status.collisionCount }, 'pod-template-hash collision');
          throw e;
        }
      } else {
        const msg = `Failed to create new replica set "${fresh.metadata.name}": ${(e as Error).message}`;
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          setCondition(status, newCondition(PROGRESSING, 'False', Reasons.failedRSCreate, msg, Date.now()));
          await this.writeStatus(s, status).catch(() => undefined);
        }
        this.ctx.recorder.event(d, 'Warning', 'FailedCreate', msg);
        throw e;
      }
    }
    if (!alreadyExisted) {
      s.log.info({ replicaSet: created.metadata.name, replicas: specReplicas(created), revision: newRevision }, 'created new replica set');
      if (specReplicas(created) > 0) {
        this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${specReplicas(created)}`);
      }
    }
    await this.setDeploymentRevision(s, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      const status = structuredClone(d.status ?? {});
      setCondition(status, newCondition(PROGRESSING, 'True', Reasons.newRSCreated, `Created new replica set "${created.metadata.name}"`, Date.now()));
      await this.writeStatus(s, status);
    }
    return created;
  }

  /** Resizes a ReplicaSet and refreshes its desired/max annotations; the annotations alone may change too. */
  private async scaleReplicaSet(s: SyncState, rs: ReplicaSet, replicas: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const { d } = s;
    const want = deploymentReplicas(d);
    const max = want + maxSurge(d);
    const from = specReplicas(rs);
    const sizeChanged = from !== replicas;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, want, max)) return { scaled: false, rs };
    const copy = structuredClone(rs);
    copy.spec.replicas = replicas;
    setReplicasAnnotations(copy, want, max);
    const updated = await this.ctx.client.update<ReplicaSet>(replicaSetsInfo, rs.metadata.namespace, copy);
    this.replicaSetWrites.written(objectKey(updated), updated.metadata.resourceVersion);
    if (sizeChanged) {
      const dir = replicas > from ? 'up' : 'down';
      s.log.info({ replicaSet: rs.metadata.name, from, to: replicas }, `scaled ${dir} replica set`);
      this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    }
    return { scaled: sizeChanged, rs: updated };
  }

  /** Deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanupOldReplicaSets(s: SyncState, oldRSs: ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(s.d, oldRSs)) {
      try {
        await this.ctx.client.delete(replicaSetsInfo, rs.metadata.namespace, rs.metadata.name ?? '', { propagationPolicy: 'Background' });
        s.log.info({ replicaSet: rs.metadata.name }, 'deleted old replica set beyond revision history limit');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  // ---------------------------------------------------------------- writing the deployment

  private async syncStatus(s: SyncState, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(s.d, allRSs, newRS, Date.now());
    if (!deploymentStatusEqual(s.d.status, status)) await this.writeStatus(s, status);
  }

  private async syncRolloutStatus(s: SyncState, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
    const now = Date.now();
    const status = rolloutStatus(s.d, allRSs, newRS, now);
    if (deploymentStatusEqual(s.d.status, status)) {
      // No progress to report: come back when the deadline would pass.
      const after = stuckRequeueMs(s.d, status, now);
      if (after !== undefined) this.queue.addAfter(s.key, after);
      return;
    }
    await this.writeStatus(s, status);
  }

  /** The status subresource keeps metadata as is, so the revision annotation needs its own patch. */
  private async setDeploymentRevision(s: SyncState, revision: string): Promise<void> {
    if ((s.d.metadata.annotations ?? {})[REVISION_ANNOTATION] === revision) return;
    const patched = await this.ctx.client.patch<Deployment>(
      deploymentsInfo, s.d.metadata.namespace, s.d.metadata.name ?? '',
      { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } }, 'merge',
    );
    s.d.metadata.annotations = { ...(s.d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
    s.d.metadata.resourceVersion = patched.metadata.resourceVersion;
    this.deploymentWrites.written(s.key, patched.metadata.resourceVersion);
  }

  private async writeStatus(s: SyncState, status: DeploymentStatus): Promise<void> {
    const wire = compactStatus({ ...status, observedGeneration: status.observedGeneration ?? s.d.status?.observedGeneration });
    const body: KubeObject = { ...s.d, status: wire };
    const written = await this.ctx.client.updateStatus<Deployment>(deploymentsInfo, s.d.metadata.namespace, body as Deployment);
    s.d.status = wire;
    s.d.metadata.resourceVersion = written.metadata.resourceVersion;
    this.deploymentWrites.written(s.key, written.metadata.resourceVersion);
    s.log.debug({ status: wire }, 'status updated');
  }
}

function replaceIn(list: ReplicaSet[], rs: ReplicaSet): void {
  const i = list.findIndex((x) => x.metadata.uid === rs.metadata.uid);
  if (i >= 0) list[i] = rs;
}
