// The Job controller (batch/v1), shaped like Kubernetes' job_controller.go: it
// runs pods until `completions` succeed (`parallelism` at a time), replaces
// failed ones after an exponential backoff until `backoffLimit`, enforces
// activeDeadlineSeconds, suspends, runs Indexed Jobs, and deletes finished Jobs
// after ttlSecondsAfterFinished. Finished pods are counted through the
// `batch.kubernetes.io/job-tracking` finalizer: a pod's uid goes into
// status.uncountedTerminatedPods before its finalizer is removed, and into the
// counters after, so a count survives the pod's deletion and a controller crash
// at any point. The decisions are pure functions in job-status.ts, job-pods.ts,
// job-indexes.ts and job-backoff.ts.
import type { Logger } from 'pino';
import { isApiError, isNotFound } from '../api/errors.js';
import { isEverything, matches, selectorFromLabelSelector, type Selector } from '../api/labels.js';
import { objectKey, type OwnerReference } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import type { Job, JobCondition, JobStatus, Pod } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { Controller, type ControllerContext } from './controller.js';
import { claimObjects, getControllerOf, isControlledBy, newControllerRef } from './controller-ref.js';
import { backoffRemainingMs, nextBackoffRecord, type BackoffRecord } from './job-backoff.js';
import { calculateSucceededIndexes, formatIntervals, getCompletionIndex, intervalsHas, intervalsTotal, withIndexes, type Intervals } from './job-indexes.js';
import { jobPod, planManage } from './job-pods.js';
import { cleanUncounted, compactStatus, enactFinished, ensureCondition, finishDecision, finishedType, hasTrackingFinalizer, interimAndFinal, isComplete, isIndexed, isPodTerminating, isSuspended, JOB_TRACKING_FINALIZER, jobStatusEqual, newFinishedPods, planTracking, successCondition, SUSPENDED, ttlExpiry, uncountedSets } from './job-status.js';
import type { ControllerManagerOptions } from './options.js';
import { ControllerExpectations, isPodActive, isPodReady, OwnWrites, slowStartBatch } from './pod-control.js';
import { semanticEqual } from './pod-template-hash.js';
import { formatTime } from '../api/time.js';

const jobsInfo = findResource('batch', 'v1', 'jobs')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const JOB_API_VERSION = 'batch/v1';
const JOB_KIND = 'Job';
const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';
/** Pod events and status echoes are batched this long before a sync (Kubernetes' syncJobBatchPeriod). */
export const SYNC_BATCH_MS = 1000;
/** Queue keys of pods whose tracking finalizer may have to go though no live Job handles them. */
const ORPHAN_PREFIX = 'orphan-pod:';

/** Pod uids whose finalizer removal we sent but the informer has not shown yet (finalizerExpectations). */
class FinalizerExpectations {
  private readonly items = new Map<string, Set<string>>();

  expect(key: string, uids: string[]): void {
    const set = this.items.get(key) ?? new Set<string>();
    for (const u of uids) set.add(u);
    this.items.set(key, set);
  }

  observed(key: string, uid: string): void {
    const set = this.items.get(key);
    set?.delete(uid);
    if (set?.size === 0) this.items.delete(key);
  }

  get(key: string): ReadonlySet<string> {
    return new Set(this.items.get(key) ?? []);
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}

/** Everything one sync of one Job works with. */
interface SyncState {
  key: string;
  log: Logger;
  /** our working copy; its status is what we write */
  job: Job;
  pods: Pod[];
  active: Pod[];
  expectedRm: ReadonlySet<string>;
  succeeded: number;
  terminating: number;
  backoff: BackoffRecord;
  /** Indexed: completed indexes from the status, and those plus newly succeeded pods */
  prevSucceededIndexes?: Intervals;
  succeededIndexes?: Intervals;
  finishing?: JobCondition;
  now: number;
}

export class JobController extends Controller {
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly expectations = new ControllerExpectations();
  private readonly finalizerExpectations = new FinalizerExpectations();
  private readonly backoffs = new Map<string, BackoffRecord>();
  private readonly ownWrites = new OwnWrites();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('job', ctx);
    this.jobs = ctx.informers.get<Job>(jobsInfo);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    this.jobs.on('add', (j) => this.enqueue(j));
    this.jobs.on('update', (old, cur) => this.updateJob(old, cur));
    this.jobs.on('delete', (j) => {
      this.ownWrites.forget(objectKey(j));
      this.enqueue(j);
      this.enqueueOrphansOf(j);
    });
    this.pods.on('add', (p) => this.addPod(p));
    this.pods.on('update', (old, cur) => this.updatePod(old, cur));
    this.pods.on('delete', (p) => this.deletePod(p, true));
  }

  // ---------------------------------------------------------------- events

  private enqueueBatched(job: Job): void {
    this.queue.addAfter(objectKey(job), SYNC_BATCH_MS);
  }

  private enqueueOrphan(pod: Pod): void {
    this.queue.add(ORPHAN_PREFIX + objectKey(pod));
  }

  /** Pods of a deleted or finished Job that still hold the finalizer lose it through the orphan path. */
  private enqueueOrphansOf(job: Job): void {
    for (const p of this.pods.store.byIndex(NAMESPACE_INDEX, job.metadata.namespace ?? '')) {
      if (isControlledBy(p, job) && hasTrackingFinalizer(p)) this.enqueueOrphan(p);
    }
  }

  private updateJob(old: Job, cur: Job): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    // A spec change is acted on at once; status echoes (ours, mostly) can wait for more.
    if (old.metadata.generation !== cur.metadata.generation) this.enqueue(cur);
    else this.enqueueBatched(cur);
    if (finishedType(cur)) this.enqueueOrphansOf(cur);
    const ads = cur.spec.activeDeadlineSeconds;
    if (cur.status?.startTime && ads !== undefined && ads !== old.spec.activeDeadlineSeconds) {
      this.queue.addAfter(objectKey(cur), Math.max(0, Date.parse(cur.status.startTime) + ads * 1000 - Date.now()));
    }
  }

  private resolveJob(namespace: string | undefined, ref: OwnerReference): Job | undefined {
    if (ref.kind !== JOB_KIND || ref.apiVersion !== JOB_API_VERSION) return undefined;
    const job = this.jobs.store.getByName(namespace, ref.name);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  private jobsSelecting(pod: Pod): Job[] {
    return this.jobs.store.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '').filter((j) => {
      try {
        const sel = selectorFromLabelSelector(j.spec.selector);
        return !isEverything(sel) && matches(sel, pod.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  private addPod(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      this.deletePod(pod, false);
      return;
    }
    const ref = getControllerOf(pod);
    if (ref) {
      if (ref.kind !== JOB_KIND || ref.apiVersion !== JOB_API_VERSION) return;
      const job = this.resolveJob(pod.metadata.namespace, ref);
      if (!job || finishedType(job)) {
        if (hasTrackingFinalizer(pod)) this.enqueueOrphan(pod);
        return;
      }
      this.expectations.creationObserved(objectKey(job));
      this.enqueueBatched(job);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.enqueueOrphan(pod);
    for (const job of this.jobsSelecting(pod)) this.enqueueBatched(job);
  }

  private updatePod(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    if (cur.metadata.deletionTimestamp) {
      this.deletePod(cur, false);
      if (!semanticEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {})) this.deletePod(old, false);
      return;
    }
    const finalizerRemoved = !hasTrackingFinalizer(cur);
    const curRef = getControllerOf(cur);
    const oldRef = getControllerOf(old);
    const refChanged = !semanticEqual(curRef ?? null, oldRef ?? null);
    if (refChanged && oldRef) {
      const job = this.resolveJob(old.metadata.namespace, oldRef);
      if (job) {
        if (finalizerRemoved) this.finalizerExpectations.observed(objectKey(job), cur.metadata.uid ?? '');
        this.enqueueBatched(job);
      }
    }
    if (curRef) {
      if (curRef.kind !== JOB_KIND || curRef.apiVersion !== JOB_API_VERSION) return;
      const job = this.resolveJob(cur.metadata.namespace, curRef);
      if (!job || finishedType(job)) {
        if (hasTrackingFinalizer(cur)) this.enqueueOrphan(cur);
        return;
      }
      if (finalizerRemoved) this.finalizerExpectations.observed(objectKey(job), cur.metadata.uid ?? '');
      this.enqueueBatched(job);
      return;
    }
    if (hasTrackingFinalizer(cur)) this.enqueueOrphan(cur);
    const labelsChanged = !semanticEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const job of this.jobsSelecting(cur)) this.enqueueBatched(job);
  }

  /** `final`: the object is gone; otherwise it just got its deletionTimestamp. */
  private deletePod(pod: Pod, final: boolean): void {
    const ref = getControllerOf(pod);
    const holds = hasTrackingFinalizer(pod);
    if (!ref) {
      if (holds && !final) this.enqueueOrphan(pod);
      return;
    }
    if (ref.kind !== JOB_KIND || ref.apiVersion !== JOB_API_VERSION) return;
    const job = this.resolveJob(pod.metadata.namespace, ref);
    if (!job || finishedType(job)) {
      if (holds && !final) this.enqueueOrphan(pod);
      return;
    }
    const key = objectKey(job);
    this.expectations.deletionObserved(key, objectKey(pod));
    if (final || !holds) this.finalizerExpectations.observed(key, pod.metadata.uid ?? '');
    this.enqueueBatched(job);
  }

  private event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.ctx.recorder.event({ apiVersion: JOB_API_VERSION, kind: JOB_KIND, metadata: job.metadata }, type, reason, message);
  }

  // ---------------------------------------------------------------- sync

  async sync(key: string): Promise<void> {
    if (key.startsWith(ORPHAN_PREFIX)) return this.syncOrphanPod(key.slice(ORPHAN_PREFIX.length));
    const cached = this.jobs.store.get(key);
    if (!cached) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoffs.delete(key);
      return;
    }
    if (this.ownWrites.cacheBehind(key, cached.metadata.resourceVersion)) {
      this.queue.addAfter(key, 1000); // the event of our own write brings us back sooner
      return;
    }
    if (finishedType(cached)) {
      this.backoffs.delete(key);
      await this.syncFinished(cached, key);
      return;
    }
    // Jobs another controller manages (spec.managedBy) are left alone.
    if (cached.spec.managedBy && cached.spec.managedBy !== JOB_CONTROLLER_NAME) return;
    const log = this.log.child({ key });
    let selector: Selector;
    try {
      selector = selectorFromLabelSelector(cached.spec.selector);
    } catch (e) {
      this.event(cached, 'Warning', 'InvalidSelector', `invalid label selector: ${(e as Error).message}`);
      return;
    }
    const satisfied = this.expectations.satisfied(key);
    const job = structuredClone(cached);
    job.status ??= {};
    const pods = await this.podsForJob(job, selector);
    const now = Date.now();
    const expectedRm = this.finalizerExpectations.get(key);
    const uncounted = uncountedSets(job);
    const fresh = newFinishedPods(job, pods, uncounted, expectedRm);
    const before = structuredClone(job.status);
    const s: SyncState = {
      key, log, job, pods, expectedRm, now,
      active: pods.filter(isPodActive),
      succeeded: (job.status.succeeded ?? 0) + fresh.succeeded.length + uncounted.succeeded.size,
      terminating: pods.filter(isPodTerminating).length,
      backoff: nextBackoffRecord(this.backoffs.get(key), fresh.succeeded, fresh.failed),
    };
    const failed = (job.status.failed ?? 0) + fresh.failed.length + uncounted.failed.size;
    if (!job.status.startTime && !isSuspended(job)) job.status.startTime = formatTime(now);

    const decision = finishDecision({ job, failed, pods, now });
    s.finishing = decision.condition;
    if (decision.requeueMs !== undefined) this.queue.addAfter(key, Math.max(0, decision.requeueMs));
    if (isIndexed(job)) {
      const si = calculateSucceededIndexes(job.status.completedIndexes, job.spec.completions ?? 0, pods, hasTrackingFinalizer);
      s.prevSucceededIndexes = si.prev;
      s.succeededIndexes = si.all;
      s.succeeded = intervalsTotal(si.all);
    }

    let active = s.active.length;
    let ready = s.active.filter(isPodReady).length;
    let manageError: unknown;
    let suspendChanged = false;
    if (s.finishing) {
      // Whatever still runs is stopped; its pods count as failed once they are gone.
      const r = await this.deletePods(job, s.active, false);
      if (r.deleted !== s.active.length || !satisfied) s.finishing = undefined;
      active -= r.deleted;
      s.terminating += r.deleted;
      ready -= r.deletedReady;
      manageError = r.error;
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        const r = await this.manageJob(s);
        active = r.active;
        ready -= r.deletedReady;
        manageError = r.error;
        managed = true;
      }
      if (isComplete(job, s.succeeded, active)) {
        s.finishing = successCondition(now);
      } else if (managed) {
        if (isSuspended(job)) {
          if (ensureCondition(job.status, SUSPENDED, 'True', 'JobSuspended', 'Job suspended', now)) {
            suspendChanged = true;
            this.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(job.status, SUSPENDED, 'False', 'JobResumed', 'Job resumed', now)) {
          suspendChanged = true;
          this.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity: it starts again on resume.
          job.status.startTime = formatTime(now);
        }
      }
    }
    const needsFlush = suspendChanged || active !== (before.active ?? 0) || ready !== before.ready ||
      s.terminating !== before.terminating || job.status.startTime !== before.startTime;
    job.status.active = active;
    job.status.ready = Math.max(0, ready);
    job.status.terminating = s.terminating;
    await this.trackStatus(s, needsFlush);
    if (manageError !== undefined) throw manageError;
  }

  /** Pods this Job owns, adopting matching orphans (which then get the tracking finalizer, as Kubernetes' adoption adds it). */
  private async podsForJob(job: Job, selector: Selector): Promise<Pod[]> {
    const candidates = this.pods.store.byIndex(NAMESPACE_INDEX, job.metadata.namespace ?? '');
    const ownedBefore = new Set(candidates.filter((p) => isControlledBy(p, job)).map((p) => p.metadata.uid));
    const pods = await claimObjects(candidates, {
      client: this.ctx.client,
      owner: job,
      ownerInfo: jobsInfo,
      info: podsInfo,
      ownerRef: newControllerRef(job, JOB_API_VERSION, JOB_KIND),
      matches: (p) => !isEverything(selector) && matches(selector, p.metadata.labels),
    });
    return Promise.all(pods.map(async (p) => {
      if (ownedBefore.has(p.metadata.uid) || hasTrackingFinalizer(p)) return p;
      try {
        return await this.ctx.client.patch<Pod>(podsInfo, p.metadata.namespace, p.metadata.name ?? '', { metadata: { finalizers: [JOB_TRACKING_FINALIZER] } }, 'strategic');
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return p;
      }
    }));
  }

  /** Creates or deletes pods so the right number runs (Kubernetes' manageJob). */
  private async manageJob(s: SyncState): Promise<{ active: number; deletedReady: number; error?: unknown }> {
    const { job, key } = s;
    const plan = planManage({
      job, active: s.active, succeeded: s.succeeded, terminating: s.terminating,
      succeededIndexes: s.succeededIndexes, backoffRemainingMs: backoffRemainingMs(s.backoff, s.now),
    });
    const active = s.active.length;
    switch (plan.kind) {
      case 'none':
        return { active, deletedReady: 0 };
      case 'wait':
        s.log.debug({ backoffMs: plan.backoffMs }, 'waiting for the pod failure backoff');
        this.queue.addAfter(key, Math.max(plan.backoffMs, SYNC_BATCH_MS));
        return { active, deletedReady: 0 };
      case 'delete': {
        s.log.info({ deleting: plan.pods.map((p) => p.metadata.name), suspended: plan.suspended }, 'deleting active pods');
        this.expectations.expectDeletions(key, plan.pods.map((p) => objectKey(p)));
        const r = await this.deletePods(job, plan.pods, true);
        s.terminating += r.deleted;
        return { active: active - r.deleted, deletedReady: r.deletedReady, error: r.error };
      }
      case 'create': {
        s.log.info({ active, creating: plan.count, indexes: plan.indexes }, 'too few pods running');
        this.expectations.expectCreations(key, plan.count);
        const ref = newControllerRef(job, JOB_API_VERSION, JOB_KIND);
        let next = 0;
        const result = await slowStartBatch(plan.count, 1, async () => {
          const index = plan.indexes?.[next++];
          try {
            const created = await this.ctx.client.create<Pod>(podsInfo, job.metadata.namespace, jobPod(job, ref, index));
            this.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
          } catch (e) {
            this.expectations.creationObserved(key);
            if (isNamespaceTerminating(e)) return;
            this.event(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        });
        // Pods never attempted will never be observed either.
        for (let i = next; i < plan.count; i++) this.expectations.creationObserved(key);
        return { active: active + result.successes, deletedReady: 0, error: result.error };
      }
    }
  }

  /**
   * Deletes pods. `uncount`: take the finalizer off first, so a pod deleted
   * because it is surplus (or the Job suspended) is not counted as failed;
   * otherwise (the Job is failing) the finalizer stays and the pod counts.
   */
  private async deletePods(job: Job, pods: Pod[], uncount: boolean): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    const key = objectKey(job);
    let deleted = 0;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(pods.map(async (pod) => {
      const ns = pod.metadata.namespace;
      const name = pod.metadata.name ?? '';
      try {
        if (uncount && hasTrackingFinalizer(pod)) await this.ctx.client.patch(podsInfo, ns, name, removeFinalizerPatch(), 'strategic');
        await this.ctx.client.delete(podsInfo, ns, name);
        this.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        deleted++;
        if (isPodReady(pod)) deletedReady++;
      } catch (e) {
        if (uncount) this.expectations.deletionObserved(key, objectKey(pod));
        if (isNotFound(e)) {
          deleted++;
          return;
        }
        this.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
        error ??= e;
      }
    }));
    return { deleted, deletedReady, error };
  }

  /**
   * Counts finished pods (Kubernetes' trackJobStatusAndRemoveFinalizers): their
   * uids (or indexes) go into the status first, then their finalizers come
   * off, then the uids move into the counters; Complete/Failed is set once
   * nothing is left uncounted or terminating.
   */
  private async trackStatus(s: SyncState, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    const indexed = isIndexed(s.job);
    const pods = indexed ? [...s.pods].sort((a, b) => getCompletionIndex(a) - getCompletionIndex(b)) : s.pods;
    const withFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !s.expectedRm.has(p.metadata.uid ?? '')).map((p) => p.metadata.uid ?? ''));
    const status = (): JobStatus => s.job.status!;
    if (cleanUncounted(status(), withFinalizer)) needsFlush = true;
    const prev = s.prevSucceededIndexes ?? [];
    const plan = planTracking({
      job: s.job, pods, uncounted: uncountedSets(s.job), expectedRm: s.expectedRm, finishing: s.finishing,
      prevSucceededIndexes: (ix) => intervalsHas(prev, ix),
    });
    if (plan.newUncountedSucceeded.length || plan.newUncountedFailed.length) {
      const u = status().uncountedTerminatedPods ?? {};
      const succeeded = [...(u.succeeded ?? []), ...plan.newUncountedSucceeded];
      const failed = [...(u.failed ?? []), ...plan.newUncountedFailed];
      status().uncountedTerminatedPods = { ...(succeeded.length ? { succeeded } : {}), ...(failed.length ? { failed } : {}) };
      needsFlush = true;
    }
    if (indexed) {
      const all = withIndexes(s.succeededIndexes ?? [], plan.newSucceededIndexes);
      const str = formatIntervals(all);
      if (str !== (status().completedIndexes ?? '')) needsFlush = true;
      status().completedIndexes = str;
      status().succeeded = intervalsTotal(all);
    }
    const { final, changed } = interimAndFinal(status(), s.finishing, s.now);
    if (changed) needsFlush = true;

    if (needsFlush) {
      await this.writeStatus(s);
      this.backoffs.set(s.key, s.backoff);
      needsFlush = false;
    }
    let rmError: unknown;
    if (plan.podsToRemoveFinalizer.length) {
      this.finalizerExpectations.expect(s.key, plan.podsToRemoveFinalizer.map((p) => p.metadata.uid ?? ''));
      await Promise.all(plan.podsToRemoveFinalizer.map(async (pod) => {
        const uid = pod.metadata.uid ?? '';
        try {
          await this.ctx.client.patch(podsInfo, pod.metadata.namespace, pod.metadata.name ?? '', removeFinalizerPatch(), 'strategic');
          withFinalizer.delete(uid);
        } catch (e) {
          // A pod that is gone lost its finalizer with it; any other failure is retried.
          this.finalizerExpectations.observed(s.key, uid);
          if (isNotFound(e)) withFinalizer.delete(uid);
          else rmError ??= e;
        }
      }));
    }
    if (cleanUncounted(status(), withFinalizer)) needsFlush = true;
    if (rmError !== undefined) {
      if (needsFlush) await this.writeStatus(s);
      throw rmError;
    }
    const finished = !plan.reachedMax && enactFinished(status(), final, Date.now());
    if (finished) needsFlush = true;
    if (needsFlush) await this.writeStatus(s);
    if (finished && final) {
      if (final.type === 'Complete') {
        const completions = s.job.spec.completions;
        if (completions !== undefined && (status().succeeded ?? 0) > completions) {
          this.event(s.job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        }
        this.event(s.job, 'Normal', 'Completed', 'Job completed');
      } else {
        this.event(s.job, 'Warning', final.reason ?? 'Failed', final.message ?? 'Job failed');
      }
      s.log.info({ condition: final.type, reason: final.reason, succeeded: status().succeeded ?? 0, failed: status().failed ?? 0 }, 'job finished');
    }
  }

  /** Writes the working status; later writes of this sync build on the answer. */
  private async writeStatus(s: SyncState): Promise<void> {
    const status = compactStatus(s.job.status ?? {});
    const cached = this.jobs.store.get(s.key);
    if (cached && cached.metadata.resourceVersion === s.job.metadata.resourceVersion && jobStatusEqual(cached.status, status)) return;
    const written = await this.ctx.client.updateStatus<Job>(jobsInfo, s.job.metadata.namespace, { ...s.job, status });
    this.ownWrites.written(s.key, written.metadata.resourceVersion);
    s.job = { ...written, status: { ...(written.status ?? {}) } };
  }

  // ---------------------------------------------------------------- finished Jobs

  private async syncFinished(job: Job, key: string): Promise<void> {
    this.enqueueOrphansOf(job);
    if (job.metadata.deletionTimestamp) return;
    const expiry = ttlExpiry(job);
    if (expiry === undefined) return;
    if (expiry > Date.now()) {
      this.queue.addAfter(key, expiry - Date.now());
      return;
    }
    // The cache may be behind (a changed TTL, a re-created Job): decide on a fresh copy.
    let fresh: Job;
    try {
      fresh = await this.ctx.client.get<Job>(jobsInfo, job.metadata.namespace, job.metadata.name ?? '');
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (fresh.metadata.uid !== job.metadata.uid || fresh.metadata.deletionTimestamp || !finishedType(fresh)) return;
    const freshExpiry = ttlExpiry(fresh);
    if (freshExpiry === undefined) return;
    if (freshExpiry > Date.now()) {
      this.queue.addAfter(key, freshExpiry - Date.now());
      return;
    }
    try {
      // Foreground, as Kubernetes' TTL-after-finished controller: the Job goes after its pods.
      await this.ctx.client.delete(jobsInfo, fresh.metadata.namespace, fresh.metadata.name ?? '', {
        propagationPolicy: 'Foreground',
        preconditions: { resourceVersion: fresh.metadata.resourceVersion },
      });
      this.log.info({ key, ttlSecondsAfterFinished: fresh.spec.ttlSecondsAfterFinished }, 'deleted finished job after its TTL');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Takes the tracking finalizer off a pod no live, unfinished Job accounts for. */
  private async syncOrphanPod(podKey: string): Promise<void> {
    const pod = this.pods.store.get(podKey);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = getControllerOf(pod);
    if (ref) {
      if (ref.kind !== JOB_KIND || ref.apiVersion !== JOB_API_VERSION) return;
      const job = this.resolveJob(pod.metadata.namespace, ref);
      if (job && !finishedType(job)) return; // its Job counts it
    }
    try {
      await this.ctx.client.patch(podsInfo, pod.metadata.namespace, pod.metadata.name ?? '', removeFinalizerPatch(), 'strategic');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

function removeFinalizerPatch(): object {
  return { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
}

function isNamespaceTerminating(e: unknown): boolean {
  return isApiError(e) && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
