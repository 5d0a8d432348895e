import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, JobStatus, Pod } from '../api/types/index.js';
import { COMPLETION_INDEX_ANNOTATION } from './job-indexes.js';
import {
  activeDeadlineLeftMs, cleanUncounted, compactStatus, enactFinished, ensureCondition, finishDecision, finishedType, interimAndFinal,
  isComplete, isPodFailed, JOB_TRACKING_FINALIZER, MAX_UNCOUNTED_PODS, newFinishedPods, pastBackoffLimitOnFailure, planTracking,
  successCondition, ttlExpiry, uncountedSets, wantActive,
} from './job-status.js';

const NOW = Date.parse('2024-05-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function job(spec: Partial<Job['spec']> = {}, status: JobStatus = {}, meta: Partial<Job['metadata']> = {}): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'j', namespace: 'default', uid: 'job-uid', ...meta },
    spec: { completions: 3, parallelism: 2, backoffLimit: 2, template: { spec: { containers: [{ name: 'c' }], restartPolicy: 'Never' } }, ...spec },
    status,
  };
}

function pod(name: string, phase: string, opts: { finalizer?: boolean; index?: number; deleting?: boolean; restarts?: number; ready?: boolean } = {}): Pod {
  return {
    metadata: {
      name, uid: name, namespace: 'default',
      finalizers: opts.finalizer === false ? undefined : [JOB_TRACKING_FINALIZER],
      annotations: opts.index === undefined ? undefined : { [COMPLETION_INDEX_ANNOTATION]: String(opts.index) },
      deletionTimestamp: opts.deleting ? iso(NOW) : undefined,
    },
    spec: { containers: [{ name: 'c' }] },
    status: {
      phase,
      conditions: opts.ready ? [{ type: 'Ready', status: 'True' }] : undefined,
      containerStatuses: [{ name: 'c', restartCount: opts.restarts ?? 0, ready: false, image: 'i', imageID: '' }],
    },
  } as Pod;
}

test('pods to create: completions − succeeded, at most parallelism; a work queue keeps what runs after a success', () => {
  assert.equal(wantActive(job({ completions: 5, parallelism: 2 }), 0, 0), 2);
  assert.equal(wantActive(job({ completions: 5, parallelism: 2 }), 4, 1), 1);
  assert.equal(wantActive(job({ completions: 5, parallelism: 2 }), 6, 0), 0);
  assert.equal(wantActive(job({ completions: undefined, parallelism: 3 }), 0, 1), 3);
  assert.equal(wantActive(job({ completions: undefined, parallelism: 3 }), 1, 2), 2);
});

test('complete: completions reached with nothing active; a work queue after any success', () => {
  assert.ok(isComplete(job({ completions: 3 }), 3, 0));
  assert.ok(!isComplete(job({ completions: 3 }), 3, 1));
  assert.ok(!isComplete(job({ completions: 3 }), 2, 0));
  assert.ok(isComplete(job({ completions: undefined }), 1, 0));
  assert.ok(!isComplete(job({ completions: undefined }), 0, 0));
});

test('failed pods: Failed phase, or deleted before succeeding unless only failed pods are replaced', () => {
  assert.ok(isPodFailed(pod('a', 'Failed'), job()));
  assert.ok(isPodFailed(pod('b', 'Running', { deleting: true }), job()));
  assert.ok(!isPodFailed(pod('c', 'Succeeded', { deleting: true }), job()));
  assert.ok(!isPodFailed(pod('d', 'Running', { deleting: true }), job({ podReplacementPolicy: 'Failed' })));
});

test('new finished pods: only those holding the finalizer, not already uncounted or being un-finalized', () => {
  const j = job({}, { uncountedTerminatedPods: { succeeded: ['s2'] } });
  const pods = [pod('s1', 'Succeeded'), pod('s2', 'Succeeded'), pod('s3', 'Succeeded', { finalizer: false }), pod('f1', 'Failed'), pod('f2', 'Failed'), pod('r', 'Running')];
  const r = newFinishedPods(j, pods, uncountedSets(j), new Set(['f2']));
  assert.deepEqual(r.succeeded.map((p) => p.metadata.name), ['s1']);
  assert.deepEqual(r.failed.map((p) => p.metadata.name), ['f1']);
  // Indexed: pods without a valid index never count
  const ij = job({ completionMode: 'Indexed', completions: 2 });
  const ir = newFinishedPods(ij, [pod('a', 'Succeeded', { index: 0 }), pod('b', 'Succeeded', { index: 5 }), pod('c', 'Succeeded')], uncountedSets(ij), new Set());
  assert.deepEqual(ir.succeeded.map((p) => p.metadata.name), ['a']);
});

test('backoff limit: failures beyond it fail the Job (FailureTarget first)', () => {
  assert.equal(finishDecision({ job: job({ backoffLimit: 2 }), failed: 2, pods: [], now: NOW }).condition, undefined);
  const c = finishDecision({ job: job({ backoffLimit: 2 }), failed: 3, pods: [], now: NOW }).condition;
  assert.equal(c?.type, 'FailureTarget');
  assert.equal(c?.reason, 'BackoffLimitExceeded');
});

test('restartPolicy OnFailure: container restarts of running pods count towards backoffLimit', () => {
  const onFailure = job({ backoffLimit: 2, template: { spec: { containers: [{ name: 'c' }], restartPolicy: 'OnFailure' } } });
  assert.ok(!pastBackoffLimitOnFailure(onFailure, [pod('a', 'Running', { restarts: 1 })]));
  assert.ok(pastBackoffLimitOnFailure(onFailure, [pod('a', 'Running', { restarts: 1 }), pod('b', 'Pending', { restarts: 1 })]));
  assert.ok(!pastBackoffLimitOnFailure(onFailure, [pod('a', 'Failed', { restarts: 5 })]), 'terminal pods are counted as failures instead');
  assert.ok(!pastBackoffLimitOnFailure(job({ backoffLimit: 1 }), [pod('a', 'Running', { restarts: 3 })]), 'only for OnFailure');
  const zero = { ...onFailure, spec: { ...onFailure.spec, backoffLimit: 0 } };
  assert.ok(pastBackoffLimitOnFailure(zero, [pod('a', 'Running', { restarts: 1 })]));
  assert.equal(finishDecision({ job: onFailure, failed: 0, pods: [pod('a', 'Running', { restarts: 2 })], now: NOW }).condition?.reason, 'BackoffLimitExceeded');
});

test('active deadline: DeadlineExceeded once passed, a requeue for when it will be, nothing while suspended', () => {
  const started = { startTime: iso(NOW - 30_000) };
  assert.equal(activeDeadlineLeftMs(job({ activeDeadlineSeconds: 60 }, started), NOW), 30_000);
  assert.deepEqual(finishDecision({ job: job({ activeDeadlineSeconds: 60 }, started), failed: 0, pods: [], now: NOW }), { requeueMs: 30_000 });
  const c = finishDecision({ job: job({ activeDeadlineSeconds: 30 }, started), failed: 0, pods: [], now: NOW }).condition;
  assert.equal(c?.type, 'FailureTarget');
  assert.equal(c?.reason, 'DeadlineExceeded');
  assert.deepEqual(finishDecision({ job: job({ activeDeadlineSeconds: 30, suspend: true }, started), failed: 0, pods: [], now: NOW }), {});
});

test('conditions recorded earlier carry the Job to its end', () => {
  const target = job({}, { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'm' }] });
  const c = finishDecision({ job: target, failed: 0, pods: [], now: NOW }).condition;
  assert.equal(c?.type, 'Failed');
  assert.equal(c?.reason, 'DeadlineExceeded');
  const met = job({}, { conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] });
  assert.equal(finishDecision({ job: met, failed: 99, pods: [], now: NOW }).condition?.type, 'SuccessCriteriaMet');
});

test('ensureCondition: no False condition from nothing; status changes replace the condition', () => {
  const s: JobStatus = {};
  const conditions = () => s.conditions ?? [];
  assert.equal(ensureCondition(s, 'Suspended', 'False', 'JobResumed', 'Job resumed', NOW), false);
  assert.equal(conditions().length, 0);
  assert.equal(ensureCondition(s, 'Suspended', 'True', 'JobSuspended', 'Job suspended', NOW), true);
  assert.equal(ensureCondition(s, 'Suspended', 'True', 'JobSuspended', 'Job suspended', NOW + 1000), false);
  assert.equal(ensureCondition(s, 'Suspended', 'False', 'JobResumed', 'Job resumed', NOW + 2000), true);
  assert.equal(conditions().length, 1);
  assert.equal(conditions()[0].status, 'False');
  assert.equal(conditions()[0].lastTransitionTime, iso(NOW + 2000));
});

test('tracking: finished pods enter uncounted and lose the finalizer; running ones only when the Job fails', () => {
  const j = job();
  const pods = [pod('s', 'Succeeded'), pod('f', 'Failed'), pod('r', 'Running'), pod('old', 'Succeeded', { finalizer: false })];
  const plan = planTracking({ job: j, pods, uncounted: uncountedSets(j), expectedRm: new Set() });
  assert.deepEqual(plan.podsToRemoveFinalizer.map((p) => p.metadata.name), ['s', 'f']);
  assert.deepEqual(plan.newUncountedSucceeded, ['s']);
  assert.deepEqual(plan.newUncountedFailed, ['f']);
  const failing = planTracking({ job: j, pods, uncounted: uncountedSets(j), expectedRm: new Set(), finishing: { type: 'FailureTarget', status: 'True' } });
  assert.deepEqual(failing.podsToRemoveFinalizer.map((p) => p.metadata.name), ['s', 'f', 'r']);
  assert.deepEqual(failing.newUncountedFailed, ['f', 'r']);
  const succeeding = planTracking({ job: j, pods, uncounted: uncountedSets(j), expectedRm: new Set(), finishing: successCondition(NOW) });
  assert.deepEqual(succeeding.newUncountedFailed, ['f'], 'a succeeding Job does not fail what still runs');
});

test('tracking Indexed: a succeeded index counts once, through completedIndexes', () => {
  const j = job({ completionMode: 'Indexed', completions: 3 });
  const pods = [pod('a', 'Succeeded', { index: 0 }), pod('b', 'Succeeded', { index: 0 }), pod('c', 'Succeeded', { index: 1 }), pod('d', 'Succeeded', { index: 2 })];
  const plan = planTracking({ job: j, pods, uncounted: uncountedSets(j), expectedRm: new Set(), prevSucceededIndexes: (ix) => ix === 2 });
  assert.deepEqual(plan.newSucceededIndexes, [0, 1]);
  assert.deepEqual(plan.newUncountedSucceeded, []);
  assert.equal(plan.podsToRemoveFinalizer.length, 4);
});

test('tracking stops at the uncounted cap', () => {
  const j = job({ completions: 10_000, parallelism: 10_000 });
  const pods = Array.from({ length: MAX_UNCOUNTED_PODS + 10 }, (_, i) => pod(`p${i}`, 'Succeeded'));
  const plan = planTracking({ job: j, pods, uncounted: uncountedSets(j), expectedRm: new Set() });
  assert.ok(plan.reachedMax);
  assert.equal(plan.newUncountedSucceeded.length, MAX_UNCOUNTED_PODS);
});

test('cleanUncounted: uids whose finalizer is gone move into the counters', () => {
  const s: JobStatus = { succeeded: 1, failed: 2, uncountedTerminatedPods: { succeeded: ['a', 'b'], failed: ['c'] } };
  assert.ok(cleanUncounted(s, new Set(['b'])));
  assert.equal(s.succeeded, 2);
  assert.equal(s.failed, 3);
  assert.deepEqual(s.uncountedTerminatedPods, { succeeded: ['b'] });
  assert.ok(!cleanUncounted(s, new Set(['b'])));
});

test('finishing: interim condition first, the final one only when nothing is uncounted or terminating', () => {
  const s: JobStatus = { uncountedTerminatedPods: { succeeded: ['a'] }, terminating: 0 };
  const { final, changed } = interimAndFinal(s, successCondition(NOW), NOW);
  assert.ok(changed);
  assert.equal(final?.type, 'Complete');
  assert.deepEqual(s.conditions?.map((c) => c.type), ['SuccessCriteriaMet']);
  assert.ok(!enactFinished(s, final, NOW), 'an uncounted pod holds it back');
  s.uncountedTerminatedPods = {};
  s.terminating = 1;
  assert.ok(!enactFinished(s, final, NOW), 'a terminating pod holds it back');
  s.terminating = 0;
  assert.ok(enactFinished(s, final, NOW + 1000));
  assert.deepEqual(s.conditions?.map((c) => c.type), ['SuccessCriteriaMet', 'Complete']);
  assert.equal(s.completionTime, iso(NOW + 1000));
  assert.equal(finishedType(job({}, s)), 'Complete');

  const f: JobStatus = {};
  const r = interimAndFinal(f, { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'm' }, NOW);
  assert.equal(r.final?.type, 'Failed');
  assert.ok(enactFinished(f, r.final, NOW));
  assert.deepEqual(f.conditions?.map((c) => `${c.type}/${c.reason}`), ['FailureTarget/BackoffLimitExceeded', 'Failed/BackoffLimitExceeded']);
  assert.equal(f.completionTime, undefined);
});

test('TTL: from the finish condition; none without a TTL or before the finish', () => {
  const done = { conditions: [{ type: 'Complete', status: 'True' as const, lastTransitionTime: iso(NOW) }] };
  assert.equal(ttlExpiry(job({ ttlSecondsAfterFinished: 30 }, done)), NOW + 30_000);
  assert.equal(ttlExpiry(job({ ttlSecondsAfterFinished: 0 }, done)), NOW);
  assert.equal(ttlExpiry(job({}, done)), undefined);
  assert.equal(ttlExpiry(job({ ttlSecondsAfterFinished: 30 }, {})), undefined);
});

test('status on the wire: zero counters omitted, ready and terminating kept', () => {
  assert.deepEqual(compactStatus({ active: 0, succeeded: 2, failed: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {} }),
    { succeeded: 2, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
});
