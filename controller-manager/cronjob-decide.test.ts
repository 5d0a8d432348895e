import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, CronJobStatus, Job } from '../api/types/index.js';
import {
  compareJobStart, cronJobStatusEqual, decideStart, jobFromTemplate, jobRef, jobsToPrune, reconcileActive, SCHEDULED_TIMESTAMP_ANNOTATION,
} from './cronjob-decide.js';

const t = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function cronJob(spec: Partial<CronJob['spec']> = {}, status: CronJobStatus = {}, meta: Partial<CronJob['metadata']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'ns', uid: 'cj-uid', creationTimestamp: '2024-01-01T00:00:30Z', ...meta },
    spec: {
      schedule: '*/1 * * * *', timeZone: 'UTC', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { team: 'a' }, annotations: { note: 'x' } },
        spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
      },
      ...spec,
    },
    status,
  };
}

function job(name: string, opts: { finished?: 'Complete' | 'Failed'; start?: string; completion?: string } = {}): Job {
  const conditions = opts.finished ? [{ type: opts.finished, status: 'True' as const }] : undefined;
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '7' },
    spec: { template: { spec: { containers: [] } } },
    status: { startTime: opts.start, completionTime: opts.completion, conditions },
  };
}

test('active list: finished jobs leave it, lastSuccessfulTime follows the latest completion, unknown running jobs are reported', () => {
  const running = job('tick-1');
  const done = job('tick-2', { finished: 'Complete', completion: '2024-01-01T00:02:30Z' });
  const olderDone = job('tick-0', { finished: 'Complete', completion: '2024-01-01T00:01:30Z' });
  const stranger = job('tick-9');
  const cj = cronJob({}, { active: [jobRef(running), jobRef(done), { kind: 'Job', name: 'gone', namespace: 'ns', uid: 'uid-gone' }] });
  const r = reconcileActive(cj, [running, done, olderDone, stranger]);
  assert.deepEqual(r.status.active?.map((a) => a.name), ['tick-1', 'gone']);
  assert.equal(r.status.lastSuccessfulTime, '2024-01-01T00:02:30Z');
  assert.ok(r.changed);
  assert.deepEqual(r.events.map((e) => e.reason).sort(), ['SawCompletedJob', 'UnexpectedJob']);
  assert.deepEqual(r.missing.map((m) => m.name), ['gone']);
  // a failed job does not move lastSuccessfulTime
  const f = reconcileActive(cronJob({}, { active: [jobRef(job('x'))] }), [job('x', { finished: 'Failed' })]);
  assert.equal(f.status.lastSuccessfulTime, undefined);
  assert.equal(f.status.active, undefined);
});

test('start: the activation that just passed, named by its minute', () => {
  const d = decideStart(cronJob(), {}, t('2024-01-01T00:01:00.100Z'));
  assert.equal(d.action, 'start');
  assert.ok(d.action === 'start' && d.jobName === `tick-${t('2024-01-01T00:01:00Z') / 60_000}`);
  assert.ok(d.action === 'start' && d.scheduledTime === t('2024-01-01T00:01:00Z'));
  assert.equal(d.requeueMs, 60_000, 'wakes 100 ms after the next activation');
});

test('no activation yet: requeue for the first one', () => {
  const d = decideStart(cronJob(), {}, t('2024-01-01T00:00:40Z'));
  assert.deepEqual(d, { action: 'skip', requeueMs: 20_100, events: [] });
});

test('an activation already started is not started again', () => {
  const st = { lastScheduleTime: '2024-01-01T00:01:00Z' };
  assert.equal(decideStart(cronJob({}, st), st, t('2024-01-01T00:01:30Z')).action, 'skip');
});

test('suspend, deletion and a bad schedule start nothing', () => {
  assert.equal(decideStart(cronJob({ suspend: true }), {}, t('2024-01-01T00:05:00Z')).action, 'skip');
  assert.equal(decideStart(cronJob({}, {}, { deletionTimestamp: '2024-01-01T00:04:00Z' }), {}, t('2024-01-01T00:05:00Z')).action, 'skip');
  const bad = decideStart(cronJob({ schedule: 'not a cron' }), {}, t('2024-01-01T00:05:00Z'));
  assert.deepEqual(bad.events.map((e) => e.reason), ['UnparseableSchedule']);
  const tz = decideStart(cronJob({ timeZone: 'Nowhere/Atlantis' }), {}, t('2024-01-01T00:05:00Z'));
  assert.deepEqual(tz.events.map((e) => e.reason), ['UnknownTimeZone']);
});

test('Forbid: no new Job while one runs; Allow starts anyway; Replace names what to delete', () => {
  const active = { active: [jobRef(job('tick-28401121'))], lastScheduleTime: '2024-01-01T00:01:00Z' };
  const now = t('2024-01-01T00:02:00.100Z');
  const forbid = decideStart(cronJob({ concurrencyPolicy: 'Forbid' }, active), active, now);
  assert.equal(forbid.action, 'skip');
  assert.deepEqual(forbid.events.map((e) => e.reason), ['JobAlreadyActive']);
  assert.equal(forbid.requeueMs, 60_000);
  const allow = decideStart(cronJob({ concurrencyPolicy: 'Allow' }, active), active, now);
  assert.ok(allow.action === 'start' && allow.replace.length === 0);
  const replace = decideStart(cronJob({ concurrencyPolicy: 'Replace' }, active), active, now);
  assert.ok(replace.action === 'start' && replace.replace.map((r) => r.name).join() === 'tick-28401121');
});

test('Forbid, then the blocking Job ends: the missed activation runs only within startingDeadlineSeconds', () => {
  const st = { lastScheduleTime: '2024-01-01T00:01:00Z' };
  const late = t('2024-01-01T00:02:40Z');
  assert.equal(decideStart(cronJob({ concurrencyPolicy: 'Forbid' }, st), st, late).action, 'start', 'no deadline: runs late');
  const d = decideStart(cronJob({ concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 15 }, st), st, late);
  assert.equal(d.action, 'skip');
  assert.equal(d.requeueMs, t('2024-01-01T00:03:00.100Z') - late);
});

test('after a long outage: one Job for the latest activation, with TooManyMissedTimes', () => {
  const st = { lastScheduleTime: '2024-01-01T00:01:00Z' };
  const d = decideStart(cronJob({}, st), st, t('2024-01-01T03:00:05Z'));
  assert.ok(d.action === 'start' && iso(d.scheduledTime) === '2024-01-01T03:00:00Z');
  assert.deepEqual(d.events.map((e) => e.reason), ['TooManyMissedTimes']);
  const deadline = decideStart(cronJob({ startingDeadlineSeconds: 3 }, st), st, t('2024-01-01T03:00:05Z'));
  assert.equal(deadline.action, 'skip', 'the latest is already 5 s late');
  assert.deepEqual(deadline.events, [], 'nothing older than the deadline is even considered');
  assert.equal(deadline.requeueMs, t('2024-01-01T03:01:00.100Z') - t('2024-01-01T03:00:05Z'));
});

test('the Job for an activation: template metadata, scheduled-timestamp annotation, controller reference', () => {
  const j = jobFromTemplate(cronJob(), t('2024-01-01T00:01:00Z'), '2024-01-01T00:01:00Z');
  assert.equal(j.metadata.name, 'tick-28401121');
  assert.deepEqual(j.metadata.labels, { team: 'a' });
  assert.deepEqual(j.metadata.annotations, { note: 'x', [SCHEDULED_TIMESTAMP_ANNOTATION]: '2024-01-01T00:01:00Z' });
  assert.deepEqual(j.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(j.spec.template.spec?.containers[0].image, 'busybox');
});

test('history: the oldest finished Jobs beyond each limit go; running ones never', () => {
  const jobs = [
    job('s1', { finished: 'Complete', start: '2024-01-01T00:01:00Z' }),
    job('s3', { finished: 'Complete', start: '2024-01-01T00:03:00Z' }),
    job('s2', { finished: 'Complete', start: '2024-01-01T00:02:00Z' }),
    job('f1', { finished: 'Failed', start: '2024-01-01T00:01:30Z' }),
    job('f2', { finished: 'Failed', start: '2024-01-01T00:02:30Z' }),
    job('r', { start: '2024-01-01T00:00:00Z' }),
  ];
  assert.deepEqual(jobsToPrune(cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }), jobs).map((j) => j.metadata.name), ['s1', 's2', 'f1']);
  assert.deepEqual(jobsToPrune(cronJob({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 }), jobs).map((j) => j.metadata.name), ['s1', 's2', 's3', 'f1', 'f2']);
  assert.deepEqual(jobsToPrune(cronJob({ successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 2 }), jobs), []);
  assert.deepEqual(jobsToPrune(cronJob({ successfulJobsHistoryLimit: undefined, failedJobsHistoryLimit: undefined }), jobs), []);
});

test('start order: unstarted Jobs last, names break ties', () => {
  const list = [job('b', { start: '2024-01-01T00:01:00Z' }), job('z'), job('a', { start: '2024-01-01T00:01:00Z' }), job('y')];
  assert.deepEqual(list.sort(compareJobStart).map((j) => j.metadata.name), ['a', 'b', 'y', 'z']);
});

test('status equality looks at active uids and times', () => {
  assert.ok(cronJobStatusEqual({}, { active: [] }));
  assert.ok(!cronJobStatusEqual({}, { lastScheduleTime: '2024-01-01T00:01:00Z' }));
  assert.ok(!cronJobStatusEqual({ active: [{ uid: 'a' }] }, { active: [{ uid: 'b' }] }));
});
