import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../api/types/index.js';
import { AVAILABLE, calculateStatus, compactStatus, deploymentComplete, deploymentStatusEqual, deploymentTimedOut, getCondition, newCondition, pausedConditionStatus, PROGRESSING, Reasons, rolloutStatus, setCondition, stuckRequeueMs } from './deployment-status.js';
import { formatTime } from '../api/time.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

function deployment(replicas: number, status: DeploymentStatus = {}, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', generation: 2 },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      progressDeadlineSeconds: 600, ...extra,
    },
    status,
  };
}

function rs(name: string, spec: number, existing: number, ready: number, available: number): ReplicaSet {
  return {
    metadata: { name },
    spec: { replicas: spec, selector: {}, template: { spec: { containers: [] } } },
    status: { replicas: existing, readyReplicas: ready, availableReplicas: available },
  };
}

test('calculateStatus sums ReplicaSets and sets Available against replicas - maxUnavailable', () => {
  const newRS = rs('new', 2, 2, 1, 1);
  const old = rs('old', 2, 2, 2, 2);
  const s = calculateStatus(deployment(3), [old, newRS], newRS, T0);
  assert.equal(s.observedGeneration, 2);
  assert.equal(s.replicas, 4);
  assert.equal(s.updatedReplicas, 2);
  assert.equal(s.readyReplicas, 3);
  assert.equal(s.availableReplicas, 3);
  assert.equal(s.unavailableReplicas, 1);
  assert.equal(getCondition(s, AVAILABLE)?.status, 'True');
  assert.equal(getCondition(s, AVAILABLE)?.reason, Reasons.minimumAvailable);
  const low = calculateStatus(deployment(3), [rs('new', 3, 3, 0, 0)], undefined, T0);
  assert.equal(getCondition(low, AVAILABLE)?.reason, Reasons.minimumUnavailable);
  assert.equal(low.updatedReplicas, 0, 'no new ReplicaSet, nothing updated');
});

test('setCondition keeps lastTransitionTime while the status holds', () => {
  const s: DeploymentStatus = {};
  setCondition(s, newCondition(PROGRESSING, 'True', Reasons.newRSCreated, 'a', T0));
  setCondition(s, newCondition(PROGRESSING, 'True', Reasons.newRSCreated, 'b', T0 + 5000));
  assert.equal(getCondition(s, PROGRESSING)?.message, 'a', 'same status and reason: untouched');
  setCondition(s, newCondition(PROGRESSING, 'True', Reasons.rsUpdated, 'c', T0 + 9000));
  const c = getCondition(s, PROGRESSING)!;
  assert.equal(c.reason, Reasons.rsUpdated);
  assert.equal(c.lastTransitionTime, formatTime(T0));
  assert.equal(c.lastUpdateTime, formatTime(T0 + 9000));
  setCondition(s, newCondition(PROGRESSING, 'False', Reasons.timedOut, 'd', T0 + 10000));
  assert.equal(getCondition(s, PROGRESSING)?.lastTransitionTime, formatTime(T0 + 10000));
  assert.equal(s.conditions?.length, 1);
});

test('rolloutStatus: progress, completion, timeout', () => {
  const started = deployment(3, { observedGeneration: 2, replicas: 3, updatedReplicas: 0, availableReplicas: 3, conditions: [newCondition(PROGRESSING, 'True', Reasons.newRSCreated, 'created', T0)] });
  // One new pod made: progress.
  const mid = rolloutStatus(started, [rs('old', 3, 3, 3, 3), rs('new', 1, 1, 0, 0)], rs('new', 1, 1, 0, 0), T0 + 1000);
  const p = getCondition(mid, PROGRESSING)!;
  assert.equal(p.reason, Reasons.rsUpdated);
  assert.equal(p.message, 'ReplicaSet "new" is progressing.');
  assert.equal(p.lastUpdateTime, formatTime(T0 + 1000));
  assert.equal(p.lastTransitionTime, formatTime(T0));
  // Everything updated and available: complete.
  const nearly = deployment(3, mid);
  const done = rolloutStatus(nearly, [rs('old', 0, 0, 0, 0), rs('new', 3, 3, 3, 3)], rs('new', 3, 3, 3, 3), T0 + 2000);
  assert.equal(getCondition(done, PROGRESSING)?.reason, Reasons.newRSAvailable);
  assert.ok(deploymentComplete(nearly, done));
  // Stuck past the deadline: timed out.
  const stuckAt = deployment(3, mid);
  const same = rolloutStatus(stuckAt, [rs('old', 3, 3, 3, 3), rs('new', 1, 1, 0, 0)], rs('new', 1, 1, 0, 0), T0 + 1000 + 601_000);
  assert.equal(getCondition(same, PROGRESSING)?.reason, Reasons.timedOut);
  assert.equal(getCondition(same, PROGRESSING)?.status, 'False');
  assert.ok(deploymentTimedOut(stuckAt, same, T0 + 700_000));
  // Before the deadline nothing changes, and we come back when it would pass.
  const quiet = rolloutStatus(stuckAt, [rs('old', 3, 3, 3, 3), rs('new', 1, 1, 0, 0)], rs('new', 1, 1, 0, 0), T0 + 60_000);
  assert.ok(deploymentStatusEqual(stuckAt.status, quiet));
  assert.equal(stuckRequeueMs(stuckAt, quiet, T0 + 60_000), 541_000);
});

test('no progress deadline: no Progressing condition', () => {
  const d = deployment(1, { conditions: [newCondition(PROGRESSING, 'True', Reasons.newRSCreated, 'x', T0)] }, { progressDeadlineSeconds: 2147483647 });
  const s = rolloutStatus(d, [rs('new', 1, 1, 1, 1)], rs('new', 1, 1, 1, 1), T0);
  assert.equal(getCondition(s, PROGRESSING), undefined);
  assert.equal(stuckRequeueMs(d, s, T0), undefined);
});

test('paused and resumed conditions', () => {
  const paused = pausedConditionStatus(deployment(1, {}, { paused: true }), T0)!;
  assert.equal(getCondition(paused, PROGRESSING)?.reason, Reasons.paused);
  assert.equal(getCondition(paused, PROGRESSING)?.status, 'Unknown');
  assert.equal(pausedConditionStatus(deployment(1, paused, { paused: true }), T0), undefined, 'already shown');
  const resumed = pausedConditionStatus(deployment(1, paused), T0)!;
  assert.equal(getCondition(resumed, PROGRESSING)?.reason, Reasons.resumed);
  const timedOut = { conditions: [newCondition(PROGRESSING, 'False', Reasons.timedOut, 'x', T0)] };
  assert.equal(pausedConditionStatus(deployment(1, timedOut, { paused: true }), T0), undefined, 'a timeout stays visible');
});

test('ReplicaFailure of the new ReplicaSet surfaces on the deployment', () => {
  const bad = rs('new', 2, 0, 0, 0);
  bad.status!.conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: formatTime(T0) }];
  const s = rolloutStatus(deployment(2), [bad], bad, T0);
  assert.equal(getCondition(s, 'ReplicaFailure')?.reason, 'FailedCreate');
});

test('the wire status omits zero counts; equality ignores that', () => {
  assert.deepEqual(compactStatus({ observedGeneration: 1, replicas: 0, updatedReplicas: 0, conditions: [] }), { observedGeneration: 1 });
  assert.ok(deploymentStatusEqual({ replicas: 0 }, {}));
  assert.ok(!deploymentStatusEqual({ replicas: 1 }, {}));
});
