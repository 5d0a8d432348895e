// The CronJob controller (batch/v1), shaped like Kubernetes' cronjob_controllerv2:
// each sync reconciles status.active with the CronJob's Jobs, starts a Job named
// `<cronjob>-<minutes since epoch>` for the most recent unmet activation (within
// startingDeadlineSeconds, honouring suspend and concurrencyPolicy), prunes the
// finished-Job history, and requeues itself for the next activation — no polling.
// After a restart only the most recent missed activation runs, as in Kubernetes.
// The decisions are pure functions in cronjob-decide.ts and cronjob-schedule.ts.
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import { objectKey } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import type { ObjectReference } from '../api/types/core.js';
import type { CronJob, CronJobStatus, Job } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { Controller, type ControllerContext } from './controller.js';
import { getControllerOf, isControlledBy } from './controller-ref.js';
import { cronJobStatusEqual, decideStart, jobFromTemplate, jobRef, jobsToPrune, reconcileActive, type CronEvent } from './cronjob-decide.js';
import { formatInZone } from './cronjob-schedule.js';
import type { ControllerManagerOptions } from './options.js';
import { OwnWrites } from './pod-control.js';
import { formatTime } from '../api/time.js';

const cronJobsInfo = findResource('batch', 'v1', 'cronjobs')!;
const jobsInfo = findResource('batch', 'v1', 'jobs')!;

export class CronJobController extends Controller {
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly ownWrites = new OwnWrites();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('cronjob', ctx);
    this.cronJobs = ctx.informers.get<CronJob>(cronJobsInfo);
    this.jobs = ctx.informers.get<Job>(jobsInfo);
    this.cronJobs.on('add', (cj) => this.enqueue(cj));
    this.cronJobs.on('update', (old, cur) => {
      if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) this.enqueue(cur);
    });
    this.cronJobs.on('delete', (cj) => this.ownWrites.forget(objectKey(cj)));
    this.jobs.on('add', (j) => this.enqueueOwner(j));
    this.jobs.on('update', (old, cur) => {
      if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
      if (getControllerOf(old)?.uid !== getControllerOf(cur)?.uid) this.enqueueOwner(old);
      this.enqueueOwner(cur);
    });
    this.jobs.on('delete', (j) => this.enqueueOwner(j));
  }

  private enqueueOwner(job: Job): void {
    const ref = getControllerOf(job);
    if (ref?.kind !== 'CronJob' || ref.apiVersion !== 'batch/v1') return;
    const cj = this.cronJobs.store.getByName(job.metadata.namespace, ref.name);
    if (cj && cj.metadata.uid === ref.uid) this.enqueue(cj);
  }

  private event(cj: CronJob, e: CronEvent): void {
    this.ctx.recorder.event({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: cj.metadata }, e.type, e.reason, e.message);
  }

  async sync(key: string): Promise<void> {
    const cached = this.cronJobs.store.get(key);
    if (!cached) return; // its Jobs go with it through the garbage collector
    if (this.ownWrites.cacheBehind(key, cached.metadata.resourceVersion)) {
      this.queue.addAfter(key, 1000);
      return;
    }
    const cj = structuredClone(cached);
    const log = this.log.child({ key });
    const jobs = this.jobs.store.byIndex(NAMESPACE_INDEX, cj.metadata.namespace ?? '').filter((j) => isControlledBy(j, cj));

    const rec = reconcileActive(cj, jobs);
    for (const e of rec.events) this.event(cj, e);
    let status: CronJobStatus = rec.status;
    for (const ref of rec.missing) {
      // The cache may just be slow: only a Job the API does not know is really gone.
      try {
        await this.ctx.client.get(jobsInfo, ref.namespace, ref.name ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
        this.event(cj, { type: 'Normal', reason: 'MissingJob', message: `Active job went missing: ${ref.name}` });
        status = { ...status, active: (status.active ?? []).filter((r) => r.uid !== ref.uid) };
        if (!status.active?.length) delete status.active;
      }
    }

    const now = Date.now();
    const d = decideStart({ ...cj, status }, status, now);
    for (const e of d.events) this.event(cj, e);
    let syncError: unknown;
    if (d.action === 'start') {
      try {
        status = await this.startJob(cj, status, d.scheduledTime, d.replace);
      } catch (e) {
        syncError = e;
      }
    }
    if (!syncError) {
      for (const job of jobsToPrune(cj, jobs)) {
        try {
          await this.ctx.client.delete(jobsInfo, job.metadata.namespace, job.metadata.name ?? '', { propagationPolicy: 'Background' });
          this.event(cj, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${job.metadata.name}` });
        } catch (e) {
          if (isNotFound(e)) continue;
          this.event(cj, { type: 'Warning', reason: 'FailedDelete', message: `Deleted job: ${(e as Error).message}` });
          syncError ??= e;
        }
      }
    }
    if (!cronJobStatusEqual(cached.status, status)) {
      const written = await this.ctx.client.updateStatus<CronJob>(cronJobsInfo, cj.metadata.namespace, { ...cj, status });
      this.ownWrites.written(key, written.metadata.resourceVersion);
    }
    if (syncError !== undefined) throw syncError;
    if (d.requeueMs !== undefined) {
      log.debug({ requeueMs: d.requeueMs }, 'next activation');
      this.queue.addAfter(key, Math.max(0, d.requeueMs));
    }
  }

  /** Replaces running Jobs if asked, creates the activation's Job and records it in the status. */
  private async startJob(cj: CronJob, statusIn: CronJobStatus, scheduledTime: number, replace: ObjectReference[]): Promise<CronJobStatus> {
    const status = { ...statusIn, active: [...(statusIn.active ?? [])] };
    for (const ref of replace) {
      try {
        await this.ctx.client.delete(jobsInfo, ref.namespace, ref.name ?? '', { propagationPolicy: 'Background' });
      } catch (e) {
        if (!isNotFound(e)) {
          this.event(cj, { type: 'Warning', reason: 'FailedDelete', message: `Deleted job: ${(e as Error).message}` });
          throw new Error(`could not replace job ${ref.namespace}/${ref.name}: ${(e as Error).message}`);
        }
      }
      status.active = status.active.filter((r) => r.uid !== ref.uid);
      this.event(cj, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${ref.name}` });
    }
    const want = jobFromTemplate(cj, scheduledTime, formatInZone(scheduledTime, cj.spec.timeZone ?? undefined));
    let job: Job;
    try {
      job = await this.ctx.client.create<Job>(jobsInfo, cj.metadata.namespace, want);
      this.event(cj, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${job.metadata.name}` });
      this.log.info({ cronjob: objectKey(cj), job: job.metadata.name, scheduled: formatTime(scheduledTime) }, 'created job');
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.event(cj, { type: 'Warning', reason: 'FailedCreate', message: `Error creating job: ${(e as Error).message}` });
        throw e;
      }
      // Created before, and the status write after it was lost: record it now, unless someone else made it.
      job = await this.ctx.client.get<Job>(jobsInfo, cj.metadata.namespace, want.metadata.name ?? '');
      if (!isControlledBy(job, cj) || status.active.some((r) => r.uid === job.metadata.uid)) return finish(status);
    }
    status.active.push(jobRef(job));
    status.lastScheduleTime = formatTime(scheduledTime);
    return finish(status);
  }
}

function finish(s: CronJobStatus): CronJobStatus {
  const out = { ...s };
  if (!out.active?.length) delete out.active;
  return out;
}
