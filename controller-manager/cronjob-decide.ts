// Pure decisions of the CronJob controller (Kubernetes' cronjob_controllerv2.go
// syncCronJob and cleanupFinishedJobs): reconcile status.active with the Jobs
// that exist, decide whether an activation starts a Job now (suspend, missed
// deadline, Forbid, Replace), and which finished Jobs fall out of the history.
import type { ObjectReference } from '../api/types/core.js';
import type { CronJob, CronJobStatus, Job } from '../api/types/index.js';
import { jobNameFor, nextScheduleDelayMs, nextScheduleTime, parseSchedule, type Schedule, type ScheduleState } from './cronjob-schedule.js';
import { formatTime } from '../api/time.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Complete or Failed (True) — a Job the CronJob no longer waits for. */
export function jobFinishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function jobRef(job: Job): ObjectReference {
  return {
    kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid,
    apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion,
  };
}

function ms(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export interface ActiveReconcile {
  status: CronJobStatus;
  changed: boolean;
  events: CronEvent[];
  /** refs in status.active with no Job in the cache: the caller checks the API before dropping them */
  missing: ObjectReference[];
}

/**
 * Brings status.active in line with the CronJob's Jobs: finished ones leave it
 * (SawCompletedJob), lastSuccessfulTime follows the latest completion, an
 * unfinished Job the status does not know is reported (UnexpectedJob).
 */
export function reconcileActive(cj: CronJob, jobs: Job[]): ActiveReconcile {
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  let active = [...(status.active ?? [])];
  const events: CronEvent[] = [];
  let changed = false;
  const inActive = (uid: string | undefined): boolean => active.some((r) => r.uid === uid);
  const children = new Set<string>();
  for (const j of jobs) {
    children.add(j.metadata.uid ?? '');
    const finished = jobFinishedAs(j);
    const found = inActive(j.metadata.uid);
    if (!found && !finished) {
      events.push({ type: 'Warning', reason: 'UnexpectedJob', message: `Saw a job that the controller did not create or forgot: ${j.metadata.name}` });
    } else if (found && finished) {
      active = active.filter((r) => r.uid !== j.metadata.uid);
      events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${j.metadata.name}, condition: ${finished}` });
      changed = true;
    }
    if (finished === 'Complete') {
      const done = ms(j.status?.completionTime);
      const last = ms(status.lastSuccessfulTime);
      if (done !== undefined && (last === undefined || done > last)) {
        status.lastSuccessfulTime = j.status!.completionTime;
        changed = true;
      }
    }
  }
  const missing = active.filter((r) => !children.has(r.uid ?? ''));
  if (active.length) status.active = active;
  else delete status.active;
  return { status, changed, events, missing };
}

export type StartDecision =
  | { action: 'skip'; requeueMs?: number; events: CronEvent[] }
  | { action: 'start'; scheduledTime: number; jobName: string; replace: ObjectReference[]; requeueMs?: number; events: CronEvent[] };

function scheduleState(cj: CronJob, status: CronJobStatus): ScheduleState {
  return {
    createdAt: ms(cj.metadata.creationTimestamp) ?? 0,
    lastScheduleTime: ms(status.lastScheduleTime),
    startingDeadlineSeconds: cj.spec.startingDeadlineSeconds ?? undefined,
  };
}

/** The schedule of a CronJob, or the event explaining why it has none. */
export function cronJobSchedule(cj: CronJob): { schedule?: Schedule; event?: CronEvent } {
  const spec = cj.spec.schedule;
  const tz = spec.includes('TZ') ? undefined : cj.spec.timeZone ?? undefined;
  try {
    return { schedule: parseSchedule(spec, tz) };
  } catch (e) {
    const msg = (e as Error).message;
    if (/time zone/.test(msg)) return { event: { type: 'Warning', reason: 'UnknownTimeZone', message: `invalid timeZone: ${JSON.stringify(cj.spec.timeZone ?? '')}: ${msg}` } };
    return { event: { type: 'Warning', reason: 'UnparseableSchedule', message: `unparseable schedule: ${JSON.stringify(spec)} : ${msg}` } };
  }
}

/**
 * Whether a Job starts now, and when to look again (syncCronJob after the
 * active list is reconciled). `status` is the reconciled status.
 */
export function decideStart(cj: CronJob, status: CronJobStatus, now: number): StartDecision {
  const events: CronEvent[] = [];
  if (cj.metadata.deletionTimestamp) return { action: 'skip', events };
  const { schedule, event } = cronJobSchedule(cj);
  if (!schedule) return { action: 'skip', events: event ? [event] : [] };
  if (cj.spec.suspend === true) return { action: 'skip', events };
  const st = scheduleState(cj, status);
  const requeueMs = nextScheduleDelayMs(st, now, schedule);
  const next = nextScheduleTime(st, now, schedule);
  if (next.error) {
    events.push({ type: 'Warning', reason: 'InvalidSchedule', message: `invalid schedule: ${cj.spec.schedule} : ${next.error}` });
    return { action: 'skip', events };
  }
  if (next.tooManyMissed) {
    events.push({ type: 'Warning', reason: 'TooManyMissedTimes', message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew' });
  }
  if (next.time === undefined) return { action: 'skip', requeueMs, events };
  const scheduled = next.time;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
    events.push({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString().replace('GMT', '+0000')}` });
    return { action: 'skip', requeueMs, events };
  }
  const jobName = jobNameFor(cj.metadata.name ?? '', scheduled);
  const active = status.active ?? [];
  if (active.some((r) => r.name === jobName) || ms(status.lastScheduleTime) === scheduled) return { action: 'skip', requeueMs, events };
  if (cj.spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
    events.push({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    return { action: 'skip', requeueMs, events };
  }
  const replace = cj.spec.concurrencyPolicy === 'Replace' ? [...active] : [];
  return { action: 'start', scheduledTime: scheduled, jobName, replace, requeueMs, events };
}

/** The Job for an activation (getJobFromTemplate2): the template's labels, annotations and spec, owned by the CronJob. */
export function jobFromTemplate(cj: CronJob, scheduledTime: number, scheduledTimestamp: string): Job {
  const tmpl = cj.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name ?? '', scheduledTime),
      namespace: cj.metadata.namespace,
      labels: { ...(tmpl.metadata?.labels ?? {}) },
      annotations: { ...(tmpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: scheduledTimestamp },
      ownerReferences: [{
        apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name ?? '', uid: cj.metadata.uid ?? '', controller: true, blockOwnerDeletion: true,
      }],
    },
    spec: structuredClone(tmpl.spec),
  };
}

/** Oldest first by start time (Jobs never started last), names breaking ties (byJobStartTime). */
export function compareJobStart(a: Job, b: Job): number {
  const sa = ms(a.status?.startTime);
  const sb = ms(b.status?.startTime);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return (sa ?? 0) - (sb ?? 0);
}

/** Finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit, oldest first. */
export function jobsToPrune(cj: CronJob, jobs: Job[]): Job[] {
  const out: Job[] = [];
  const prune = (list: Job[], limit: number | undefined): void => {
    if (limit === undefined || limit === null || list.length <= limit) return;
    out.push(...[...list].sort(compareJobStart).slice(0, list.length - limit));
  };
  prune(jobs.filter((j) => jobFinishedAs(j) === 'Complete'), cj.spec.successfulJobsHistoryLimit);
  prune(jobs.filter((j) => jobFinishedAs(j) === 'Failed'), cj.spec.failedJobsHistoryLimit);
  return out;
}

/** Equal as a reader sees it. */
export function cronJobStatusEqual(a: CronJobStatus | undefined, b: CronJobStatus | undefined): boolean {
  const norm = (s: CronJobStatus | undefined): string => JSON.stringify({
    active: (s?.active ?? []).map((r) => r.uid),
    last: s?.lastScheduleTime ?? null,
    success: s?.lastSuccessfulTime ?? null,
  });
  return norm(a) === norm(b);
}
