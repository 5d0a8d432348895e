// Job and CronJob controllers with every real part: apiserver, controller-manager
// (job, cronjob, garbagecollector), scheduler and one kubelet running busybox in
// Docker, driven by the real kubectl.
//
// The CronJobs run on the real clock (`*/1 * * * *`): they are created first, in
// before(), so their first two minutes pass while the Job tests run; the last
// test then checks what happened across those minute boundaries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, sleep, waitFor, type Apiserver, type Proc } from './harness.js';
import { startKubelet, ensureImages, adminClient, BUSYBOX, type KubeletProc } from './kubelet-harness.js';
import type { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { CronJob, Job, Pod } from '../../api/types/index.js';

const podsInfo = findResource('', 'v1', 'pods')!;
const jobsInfo = findResource('batch', 'v1', 'jobs')!;
const cronJobsInfo = findResource('batch', 'v1', 'cronjobs')!;
const eventsInfo = findResource('', 'v1', 'events')!;

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let controllerManager: Proc;
let scheduler: Proc;
let kubelet: KubeletProc;

function jobManifest(name: string, spec: Record<string, unknown>, command: string, restartPolicy = 'Never'): string {
  return JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
    spec: {
      ...spec,
      template: { spec: { restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', command] }] } },
    },
  });
}

function cronJobManifest(name: string, spec: Record<string, unknown>, jobSpec: Record<string, unknown>, command: string): string {
  return JSON.stringify({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name },
    spec: {
      schedule: '*/1 * * * *',
      ...spec,
      jobTemplate: {
        spec: {
          ...jobSpec,
          template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', command] }] } },
        },
      },
    },
  });
}

async function podsOf(job: string): Promise<Pod[]> {
  return (await client.list<Pod>(podsInfo, 'default', { labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;
}

const isActive = (p: Pod): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;
const condition = (j: Job, type: string) => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');
const finished = (j: Job): boolean => !!(condition(j, 'Complete') || condition(j, 'Failed'));

async function getJob(name: string): Promise<Job> {
  return client.get<Job>(jobsInfo, 'default', name);
}

async function jobsOfCronJob(cj: CronJob): Promise<Job[]> {
  const all = (await client.list<Job>(jobsInfo, 'default')).items;
  return all.filter((j) => j.metadata.ownerReferences?.some((r) => r.controller && r.uid === cj.metadata.uid));
}

async function eventReasons(name: string): Promise<string[]> {
  const evs = (await client.list<{ metadata: { name?: string }; reason?: string }>(eventsInfo, 'default', { fieldSelector: `involvedObject.name=${name}` })).items;
  return evs.map((e) => e.reason ?? '');
}

interface SeenJob {
  job: Job;
  firstSeen: number;
  /** when a sample first missed it after it had been seen */
  vanishedAt?: number;
  failed: boolean;
}

/**
 * What the CronJobs did, sampled twice a second from before() until the end:
 * every Job seen per CronJob (and when it vanished), and the most unfinished
 * Jobs one CronJob had at once. Assertions on this history hold whenever the
 * last test gets to run, not only inside one minute.
 */
const cron = {
  seen: new Map<string, Map<string, SeenJob>>(),
  maxActive: new Map<string, number>(),
  sampling: true,
  loop: Promise.resolve(),
  uids: new Map<string, CronJob>(),
};

async function sampleCronJobs(): Promise<void> {
  while (cron.sampling) {
    for (const [name, cj] of cron.uids) {
      const jobs = await jobsOfCronJob(cj).catch(() => undefined);
      if (!jobs) continue;
      const now = Date.now();
      const seen = cron.seen.get(name) ?? new Map<string, SeenJob>();
      for (const j of jobs) {
        const prev = seen.get(j.metadata.name ?? '');
        seen.set(j.metadata.name ?? '', { job: j, firstSeen: prev?.firstSeen ?? now, failed: (prev?.failed ?? false) || !!condition(j, 'Failed') });
      }
      for (const [jobName, s] of seen) if (!s.vanishedAt && !jobs.some((j) => j.metadata.name === jobName)) s.vanishedAt = now;
      cron.seen.set(name, seen);
      const active = jobs.filter((j) => !finished(j)).length;
      cron.maxActive.set(name, Math.max(cron.maxActive.get(name) ?? 0, active));
    }
    await sleep(500);
  }
}

before(async () => {
  await ensureImages();
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = adminClient(api);
  controllerManager = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig, '--controllers', 'job,cronjob,garbagecollector'],
    join(api.dataDir, 'controller-manager.log'));
  scheduler = startProcess(['scheduler', '--kubeconfig', api.kubeconfig], join(api.dataDir, 'scheduler.log'));
  kubelet = await startKubelet(api);

  // Forbid: each Job runs 90 s, so the next minute's activation finds it running;
  // by the time it ends that activation is older than startingDeadlineSeconds (20 s)
  // and is skipped. successfulJobsHistoryLimit 0: a finished Job goes at once.
  // (The deadline leaves a slow controller on a busy machine time to start T1.)
  await kubectl.ok(['apply', '-f', '-'], {
    input: cronJobManifest('forbid', { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 20, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 1 },
      {}, 'sleep 90'),
  });
  // Allow, failing at once: two minutes give two failed Jobs, of which the history keeps one.
  await kubectl.ok(['apply', '-f', '-'], {
    input: cronJobManifest('flaky', { concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, { backoffLimit: 0 }, 'exit 3'),
  });
  for (const name of ['forbid', 'flaky']) cron.uids.set(name, await client.get<CronJob>(cronJobsInfo, 'default', name));
  cron.loop = sampleCronJobs();
});

after(async () => {
  cron.sampling = false;
  await cron.loop;
  await controllerManager?.kill();
  await scheduler?.kill();
  await kubelet?.stop().catch(() => {});
  await kubelet?.cleanup().catch(() => {});
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('completions 5, parallelism 2: never more than 2 pods at once; kubectl wait --for=condition=complete', async () => {
  let maxActive = 0;
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxActive = Math.max(maxActive, (await podsOf('par')).filter(isActive).length);
      samples++;
      await sleep(150);
    }
  })();
  try {
    await kubectl.ok(['apply', '-f', '-'], { input: jobManifest('par', { completions: 5, parallelism: 2 }, 'sleep 1; echo done') });
    await kubectl.ok(['wait', '--for=condition=complete', 'job/par', '--timeout=240s'], { timeoutMs: 250_000 });
  } finally {
    sampling = false;
    await sampler;
  }
  assert.ok(samples > 10, `sampled ${samples} times`);
  assert.equal(maxActive, 2, 'two pods ran side by side, never more');
  const job = await getJob('par');
  assert.equal(job.status?.succeeded, 5);
  assert.equal(job.status?.failed ?? 0, 0);
  assert.equal(job.status?.active ?? 0, 0);
  assert.ok(job.status?.startTime && job.status.completionTime);
  assert.ok(condition(job, 'SuccessCriteriaMet'), 'the interim condition of Kubernetes 1.31+ is there too');
  assert.deepEqual(job.status?.uncountedTerminatedPods ?? {}, {});
  const pods = await podsOf('par');
  assert.equal(pods.length, 5);
  for (const p of pods) {
    assert.equal(p.status?.phase, 'Succeeded');
    assert.match(p.metadata.name ?? '', /^par-[a-z0-9]{5}$/);
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/controller-uid'], job.metadata.uid);
    assert.equal(p.metadata.labels?.['controller-uid'], job.metadata.uid);
    assert.equal(p.metadata.labels?.['job-name'], 'par');
    assert.deepEqual(p.metadata.finalizers ?? [], [], 'counted pods lose the tracking finalizer');
  }
  const table = await kubectl.ok(['get', 'jobs', 'par']);
  assert.match(table, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s*$/m);
  assert.match(table, /^par\s+Complete\s+5\/5\s+\d+s\s+\d+s\s*$/m);
  // Counts survive the pods: deleting them changes nothing.
  await kubectl.ok(['delete', 'pods', '-l', 'batch.kubernetes.io/job-name=par', '--wait=true'], { timeoutMs: 60_000 });
  await sleep(1500);
  assert.equal((await getJob('par')).status?.succeeded, 5);
  assert.equal((await podsOf('par')).length, 0, 'a complete Job makes no new pods');
});

test('a failing Job stops at backoffLimit with Failed/BackoffLimitExceeded, after a 10 s backoff', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: jobManifest('fails', { backoffLimit: 1 }, 'echo boom; exit 2') });
  await kubectl.ok(['wait', '--for=condition=failed', 'job/fails', '--timeout=180s'], { timeoutMs: 190_000 });
  const job = await getJob('fails');
  assert.equal(job.status?.failed, 2, 'backoffLimit 1: the first failure is retried, the second ends it');
  assert.equal(job.status?.succeeded ?? 0, 0);
  assert.equal(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.equal(condition(job, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
  assert.equal(condition(job, 'Complete'), undefined);
  const pods = (await podsOf('fails')).sort((a, b) => Date.parse(a.metadata.creationTimestamp!) - Date.parse(b.metadata.creationTimestamp!));
  assert.equal(pods.length, 2, 'restartPolicy Never: a new pod per failure');
  assert.ok(pods.every((p) => p.status?.phase === 'Failed'));
  const firstFailed = Date.parse(pods[0].status!.containerStatuses![0].state!.terminated!.finishedAt!);
  const gap = Date.parse(pods[1].metadata.creationTimestamp!) - firstFailed;
  assert.ok(gap >= 9_000, `the replacement waited ${gap} ms after the failure (backoff 10 s)`);
  assert.match(await kubectl.ok(['get', 'jobs', 'fails']), /^fails\s+Failed\s+0\/1\s/m);
  assert.ok((await eventReasons('fails')).includes('BackoffLimitExceeded'));
});

test('activeDeadlineSeconds: the running pod is stopped and counted, the Job fails with DeadlineExceeded', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: jobManifest('slow', { activeDeadlineSeconds: 5 }, 'sleep 300') });
  await kubectl.ok(['wait', '--for=condition=failed', 'job/slow', '--timeout=120s'], { timeoutMs: 130_000 });
  const job = await getJob('slow');
  assert.equal(condition(job, 'Failed')?.reason, 'DeadlineExceeded');
  assert.equal(job.status?.failed, 1, 'the pod stopped at the deadline counts as failed');
  assert.equal(job.status?.active ?? 0, 0);
  assert.equal(job.status?.terminating ?? 0, 0, 'Failed is only set once the pod is gone');
  const ran = Date.parse(condition(job, 'Failed')!.lastTransitionTime!) - Date.parse(job.status!.startTime!);
  assert.ok(ran >= 5_000, `failed ${ran} ms after start`);
  assert.equal((await podsOf('slow')).length, 0, 'the deleted pod is gone, its finalizer removed');
});

test('suspend: no pods and a Suspended condition; resumed, the Job runs to completion', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: jobManifest('later', { suspend: true, completions: 2, parallelism: 2 }, 'true') });
  await waitFor('Suspended condition', async () => condition(await getJob('later'), 'Suspended'), 60_000, 250);
  assert.equal((await podsOf('later')).length, 0);
  assert.equal((await getJob('later')).status?.startTime, undefined, 'a suspended Job has not started');
  assert.match(await kubectl.ok(['get', 'jobs', 'later']), /^later\s+Suspended\s+0\/2\s/m);
  await kubectl.ok(['patch', 'job', 'later', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
  await kubectl.ok(['wait', '--for=condition=complete', 'job/later', '--timeout=120s'], { timeoutMs: 130_000 });
  const job = await getJob('later');
  assert.equal(job.status?.succeeded, 2);
  assert.equal(job.status?.conditions?.find((c) => c.type === 'Suspended')?.status, 'False');
  assert.ok(job.status?.startTime);
});

test('an Indexed Job runs each index once, with JOB_COMPLETION_INDEX and hostname <job>-<index>', async () => {
  await kubectl.ok(['apply', '-f', '-'], {
    input: jobManifest('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }, 'echo "index=$JOB_COMPLETION_INDEX host=$(hostname)"'),
  });
  await kubectl.ok(['wait', '--for=condition=complete', 'job/idx', '--timeout=180s'], { timeoutMs: 190_000 });
  const job = await getJob('idx');
  assert.equal(job.status?.completedIndexes, '0-2');
  assert.equal(job.status?.succeeded, 3);
  const pods = await podsOf('idx');
  assert.equal(pods.length, 3);
  const seen: string[] = [];
  for (const p of pods) {
    const ix = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], ix);
    assert.match(p.metadata.name ?? '', new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
    const log = (await kubectl.ok(['logs', p.metadata.name!])).trim();
    assert.equal(log, `index=${ix} host=idx-${ix}`);
    seen.push(ix ?? '');
  }
  assert.deepEqual(seen.sort(), ['0', '1', '2']);
});

test('ttlSecondsAfterFinished: the finished Job and its pods are deleted', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: jobManifest('short', { ttlSecondsAfterFinished: 2 }, 'true') });
  await waitFor('job short complete', async () => condition(await getJob('short'), 'Complete'), 120_000, 250);
  await waitFor('job short and its pods gone', async () => {
    const gone = await getJob('short').then(() => false, () => true);
    return gone && (await podsOf('short')).length === 0;
  }, 60_000, 250);
});

test('CronJobs: Jobs per minute named by the minute, Forbid holds back the next run, history limits prune', async () => {
  const forbid = cron.uids.get('forbid')!;
  const flaky = cron.uids.get('flaky')!;
  // T1, T2: the first two activations after each CronJob's creation.
  const firstRun = (cj: CronJob) => (Math.floor(Date.parse(cj.metadata.creationTimestamp!) / 60_000) + 1) * 60_000;

  const seen = (cj: string, t: number): SeenJob | undefined => cron.seen.get(cj)?.get(`${cj}-${t / 60_000}`);

  // flaky: a failed Job at T1 and at T2; failedJobsHistoryLimit 1 keeps only the newer.
  let t1 = firstRun(flaky);
  let t2 = t1 + 60_000;
  await waitFor('flaky: the T2 Job failed and the T1 Job was pruned', () => seen('flaky', t2)?.failed && seen('flaky', t1)?.vanishedAt,
    Math.max(0, t2 - Date.now()) + 60_000, 500);
  assert.ok(seen('flaky', t1)!.failed, 'the T1 Job failed too');
  assert.ok(seen('flaky', t1)!.vanishedAt! >= seen('flaky', t2)!.firstSeen, 'the T1 Job stayed in the history until the T2 Job came');
  const t3Job = seen('flaky', t2 + 60_000);
  assert.ok(!seen('flaky', t2)!.vanishedAt || (t3Job && seen('flaky', t2)!.vanishedAt! >= t3Job.firstSeen), 'the newest failed Job is kept until a newer one comes');
  const flakyNow = await client.get<CronJob>(cronJobsInfo, 'default', 'flaky');
  assert.ok(Date.parse(flakyNow.status!.lastScheduleTime!) >= t2);
  assert.equal(flakyNow.status?.lastSuccessfulTime, undefined);

  // forbid: the T1 Job runs 90 s, over T2, so T2 is skipped; once it completes it is pruned (limit 0).
  t1 = firstRun(forbid);
  t2 = t1 + 60_000;
  await waitFor('forbid: the T1 Job completed and was pruned', () => seen('forbid', t1)?.vanishedAt, Math.max(0, t1 + 90_000 - Date.now()) + 90_000, 500);
  assert.equal(seen('forbid', t2), undefined, 'no Job for T2: Forbid, and T2 was past its starting deadline when the T1 Job ended');
  assert.equal(cron.maxActive.get('forbid'), 1);
  const forbidNow = await client.get<CronJob>(cronJobsInfo, 'default', 'forbid');
  assert.ok(forbidNow.status?.lastSuccessfulTime, 'lastSuccessfulTime set from the pruned Job');
  assert.ok(Date.parse(forbidNow.status!.lastSuccessfulTime!) >= t1 + 90_000);
  assert.equal(seen('forbid', t1)!.job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(t1).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const reasons = await eventReasons('forbid');
  for (const r of ['SuccessfulCreate', 'JobAlreadyActive', 'SawCompletedJob', 'SuccessfulDelete']) assert.ok(reasons.includes(r), `${r} in events: ${reasons.join(', ')}`);

  const table = await kubectl.ok(['get', 'cronjobs']);
  assert.match(table, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\s*$/m);
  assert.match(table, /^forbid\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+\d\s+\d+\S*\s+\d+\S*\s*$/m);

  // Suspending stops new runs; deleting the CronJob takes its Jobs along.
  await kubectl.ok(['patch', 'cronjob', 'flaky', '-p', '{"spec":{"suspend":true}}']);
  assert.match(await kubectl.ok(['get', 'cronjob', 'flaky']), /^flaky\s+\S+ \S+ \S+ \S+ \S+\s+<none>\s+True\s/m);
  await kubectl.ok(['delete', 'cronjob', 'flaky', 'forbid']);
  await waitFor('the CronJobs’ Jobs gone', async () => (await jobsOfCronJob(flaky)).length === 0 && (await jobsOfCronJob(forbid)).length === 0, 60_000, 250);
});
