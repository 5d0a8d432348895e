import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import { completeRollingUpdate, planStatefulSet, revisionForNewPod, type Plan } from './statefulset-plan.js';
import { setPod, statefulSet } from './statefulset-testutil.js';

const NOW = Date.parse('2024-06-01T00:00:00Z');

function plan(set = statefulSet(), pods: Pod[] = [], current = 'r1', update = 'r1'): Plan {
  return planStatefulSet({ set, pods, now: NOW, currentRevision: current, updateRevision: update });
}

/** Actions as short strings: `create 0 update`, `delete web-2 scale-down`. */
function acts(p: Plan): string[] {
  return p.actions.map((a) => {
    if (a.kind === 'create') return `create ${a.ordinal} ${a.revision}`;
    if (a.kind === 'delete') return `delete ${a.pod.metadata.name} ${a.reason}`;
    return `${a.kind} ${a.pod.metadata.name}`;
  });
}

// ---------------------------------------------------------------- creation

test('OrderedReady creates ordinal 0 first and nothing else', () => {
  const p = plan();
  assert.deepEqual(acts(p), ['create 0 update']);
  assert.match(p.waiting ?? '', /ordinal 0/);
});

test('OrderedReady waits while the previous pod is not Running and Ready', () => {
  const set = statefulSet();
  for (const state of ['pending', 'running', 'terminating'] as const) {
    const p = plan(set, [setPod(set, 0, 'r1', state)]);
    assert.ok(!acts(p).some((a) => a.startsWith('create')), `no create while web-0 is ${state}`);
  }
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1')])), ['create 1 update']);
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1'), setPod(set, 1, 'r1')])), ['create 2 update']);
});

test('OrderedReady fills a gap before anything above it', () => {
  const set = statefulSet();
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1'), setPod(set, 2, 'r1')])), ['create 1 update']);
});

test('minReadySeconds: a ready pod must also have been ready long enough', () => {
  const set = statefulSet({ minReadySeconds: 60 });
  const young = setPod(set, 0, 'r1');
  young.status!.conditions![0].lastTransitionTime = new Date(NOW - 10_000).toISOString();
  assert.deepEqual(acts(plan(set, [young])), []);
  const old = setPod(set, 0, 'r1');
  assert.deepEqual(acts(plan(set, [old])), ['create 1 update']);
});

test('Parallel creates every missing ordinal at once and does not wait', () => {
  const set = statefulSet({ podManagementPolicy: 'Parallel' });
  assert.deepEqual(acts(plan(set)), ['create 0 update', 'create 1 update', 'create 2 update']);
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1', 'pending')])), ['ensureClaims web-0', 'create 1 update', 'create 2 update']);
});

test('ordinals.start shifts the range', () => {
  const set = statefulSet({ replicas: 2, ordinals: { start: 5 } });
  assert.deepEqual(acts(plan(set)), ['create 5 update']);
  assert.deepEqual(acts(plan(set, [setPod(set, 5, 'r1')])), ['create 6 update']);
});

test('a finished pod is deleted so it can be made again; a pending one gets its claims checked', () => {
  const set = statefulSet({ replicas: 2 });
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1', 'failed')])), ['delete web-0 finished']);
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1', 'succeeded')])), ['delete web-0 finished']);
  assert.deepEqual(acts(plan(set, [setPod(set, 0, 'r1', 'pending')])), ['ensureClaims web-0']);
});

test('a pod whose identity labels were edited gets them back', () => {
  const set = statefulSet({ replicas: 1 });
  const pod = setPod(set, 0, 'r1');
  delete pod.metadata.labels!['statefulset.kubernetes.io/pod-name'];
  assert.deepEqual(acts(plan(set, [pod])), ['fixIdentity web-0']);
});

// ---------------------------------------------------------------- scale down

test('scale-down deletes the highest ordinal first, one at a time', () => {
  const set = statefulSet({ replicas: 1 });
  const pods = [0, 1, 2].map((i) => setPod(set, i, 'r1'));
  assert.deepEqual(acts(plan(set, pods)), ['delete web-2 scale-down']);
  pods[2] = setPod(set, 2, 'r1', 'terminating');
  assert.deepEqual(acts(plan(set, pods)), [], 'waits for web-2 to be gone');
  assert.deepEqual(acts(plan(set, pods.slice(0, 2))), ['delete web-1 scale-down']);
});

test('scale-down does not proceed past an unhealthy pod, except to delete that pod itself', () => {
  const set = statefulSet({ replicas: 1 });
  // web-2 and web-3 unhealthy: web-3 is not the first unhealthy pod (web-2 is), so nothing happens
  const blocked = [setPod(set, 0, 'r1'), setPod(set, 1, 'r1'), setPod(set, 2, 'r1', 'running'), setPod(set, 3, 'r1', 'pending')];
  assert.deepEqual(acts(plan(set, blocked)), []);
  // the highest one unhealthy and the only unhealthy one: it may go
  const own = [setPod(set, 0, 'r1'), setPod(set, 1, 'r1'), setPod(set, 2, 'r1', 'running')];
  assert.deepEqual(acts(plan(set, own)), ['delete web-2 scale-down']);
  // a healthy highest pod goes even if a lower condemned one is unhealthy (that one is next)
  const lower = [setPod(set, 0, 'r1'), setPod(set, 1, 'r1', 'running'), setPod(set, 2, 'r1')];
  assert.deepEqual(acts(plan(set, lower)), ['delete web-2 scale-down']);
  // a wanted pod not ready: the in-range loop stops before any scale-down
  const wanted = [setPod(set, 0, 'r1', 'running'), setPod(set, 1, 'r1')];
  assert.deepEqual(acts(plan(set, wanted)), []);
});

test('Parallel scale-down deletes every condemned pod at once, unhealthy or not', () => {
  const set = statefulSet({ replicas: 1, podManagementPolicy: 'Parallel' });
  const pods = [setPod(set, 0, 'r1'), setPod(set, 1, 'r1', 'running'), setPod(set, 2, 'r1'), setPod(set, 3, 'r1', 'terminating')];
  assert.deepEqual(acts(plan(set, pods)), ['delete web-2 scale-down', 'delete web-1 scale-down']);
});

// ---------------------------------------------------------------- updates

test('RollingUpdate replaces the highest ordinal first and waits for it to be healthy', () => {
  const set = statefulSet();
  const pods = [0, 1, 2].map((i) => setPod(set, i, 'r1'));
  assert.deepEqual(acts(plan(set, pods, 'r1', 'r2')), ['delete web-2 update']);
  // web-2 came back at r2 but is not ready yet
  const next = [setPod(set, 0, 'r1'), setPod(set, 1, 'r1'), setPod(set, 2, 'r2', 'running')];
  assert.deepEqual(acts(plan(set, next, 'r1', 'r2')), []);
  next[2] = setPod(set, 2, 'r2');
  assert.deepEqual(acts(plan(set, next, 'r1', 'r2')), ['delete web-1 update']);
});

test('a deleted pod comes back at the update revision (at or above the partition) or the current one (below)', () => {
  const set = statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
  assert.equal(revisionForNewPod(set, 1), 'current');
  assert.equal(revisionForNewPod(set, 2), 'update');
  const pods = [setPod(set, 0, 'r1'), setPod(set, 2, 'r2')];
  assert.deepEqual(acts(plan(set, pods, 'r1', 'r2')), ['create 1 current']);
});

test('partition: pods below it keep the old revision', () => {
  const set = statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
  const pods = [setPod(set, 0, 'r1'), setPod(set, 1, 'r1'), setPod(set, 2, 'r2')];
  const p = plan(set, pods, 'r1', 'r2');
  assert.deepEqual(acts(p), []);
  assert.equal(p.status.updatedReplicas, 1);
  assert.equal(p.status.currentRevision, 'r1', 'not complete while pods below the partition are old');
});

test('OnDelete never deletes for an update; recreated pods take the update revision', () => {
  const set = statefulSet({ updateStrategy: { type: 'OnDelete' } });
  const pods = [0, 1, 2].map((i) => setPod(set, i, 'r1'));
  assert.deepEqual(acts(plan(set, pods, 'r1', 'r2')), []);
  assert.equal(revisionForNewPod(set, 0), 'update');
  assert.deepEqual(acts(plan(set, pods.slice(0, 2), 'r1', 'r2')), ['create 2 update']);
});

test('scaling takes precedence over updates', () => {
  const set = statefulSet({ replicas: 2 });
  const pods = [0, 1, 2].map((i) => setPod(set, i, 'r1'));
  assert.deepEqual(acts(plan(set, pods, 'r1', 'r2')), ['delete web-2 scale-down']);
});

// ---------------------------------------------------------------- status

test('status counts and the rollout completing', () => {
  const set = statefulSet();
  const pods = [setPod(set, 0, 'r1'), setPod(set, 1, 'r2'), setPod(set, 2, 'r2', 'running')];
  const p = plan(set, pods, 'r1', 'r2');
  assert.deepEqual(
    { ...p.status },
    { replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 1, updatedReplicas: 2, currentRevision: 'r1', updateRevision: 'r2', observedGeneration: 1 },
  );
  const done = plan(set, [0, 1, 2].map((i) => setPod(set, i, 'r2')), 'r1', 'r2');
  assert.equal(done.status.currentRevision, 'r2');
  assert.equal(done.status.currentReplicas, 3);
});

test('an update deletion counts one current replica less; terminating pods count as neither', () => {
  const set = statefulSet();
  const p = plan(set, [0, 1, 2].map((i) => setPod(set, i, 'r1')), 'r1', 'r2');
  assert.equal(p.status.currentReplicas, 2);
  const t = plan(set, [setPod(set, 0, 'r1'), setPod(set, 1, 'r1'), setPod(set, 2, 'r2', 'terminating')], 'r1', 'r2');
  assert.equal(t.status.updatedReplicas, 0);
  assert.equal(t.status.replicas, 3);
});

test('completeRollingUpdate only for RollingUpdate with every pod updated and ready', () => {
  const status = { replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentReplicas: 0, currentRevision: 'a', updateRevision: 'b' };
  const onDelete = { ...status };
  completeRollingUpdate(statefulSet({ updateStrategy: { type: 'OnDelete' } }), onDelete);
  assert.equal(onDelete.currentRevision, 'a');
  completeRollingUpdate(statefulSet(), status);
  assert.equal(status.currentRevision, 'b');
  assert.equal(status.currentReplicas, 2);
});

test('a set being deleted gets status only', () => {
  const set = statefulSet();
  set.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  assert.deepEqual(acts(plan(set)), []);
});
