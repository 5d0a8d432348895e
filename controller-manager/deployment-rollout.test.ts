import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../api/types/index.js';
import type { IntOrString } from '../api/types/index.js';
import {
  DESIRED_REPLICAS_ANNOTATION, findActiveOrLatest, isSaturated, isScalingEvent, MAX_REPLICAS_ANNOTATION, maxSurge, maxUnavailable,
  newRSNewReplicas, nextRecreateStep, nextRollingStep, reconcileOldReplicaSets, resolveFenceposts, scaledValue, scalePlan,
} from './deployment-rollout.js';

function deployment(replicas: number, surge: IntOrString = '25%', unavailable: IntOrString = '25%', type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate'): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd1', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      strategy: type === 'Recreate' ? { type } : { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
    },
  };
}

let seq = 0;
function rs(name: string, spec: number, available = spec, opts: { created?: string; desired?: number; max?: number } = {}): ReplicaSet {
  seq++;
  const annotations: Record<string, string> = {};
  if (opts.desired !== undefined) annotations[DESIRED_REPLICAS_ANNOTATION] = String(opts.desired);
  if (opts.max !== undefined) annotations[MAX_REPLICAS_ANNOTATION] = String(opts.max);
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: opts.created ?? `2024-01-01T00:00:${String(seq % 60).padStart(2, '0')}Z`, annotations },
    spec: { replicas: spec, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } },
    status: { replicas: spec, readyReplicas: available, availableReplicas: available },
  };
}

test('scaledValue: ints as is, percents rounded up for surge and down for unavailable', () => {
  assert.equal(scaledValue(3, 10, true), 3);
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue('0%', 10, true), 0);
  assert.equal(scaledValue('100%', 7, false), 7);
  assert.equal(scaledValue('5', 10, true), 5);
  assert.throws(() => scaledValue('abc', 10, true), /not a percentage/);
});

test('resolveFenceposts for many (replicas, maxSurge, maxUnavailable)', () => {
  const cases: Array<[number, IntOrString, IntOrString, number, number]> = [
    [10, '25%', '25%', 3, 2],
    [3, '25%', '25%', 1, 0],
    [1, '25%', '25%', 1, 0],
    [4, 0, 1, 0, 1],
    [4, '0%', '10%', 0, 1], // both resolve to 0: unavailable becomes 1
    [10, '50%', '0%', 5, 0],
    [5, 2, 3, 2, 3],
    [7, '33%', '33%', 3, 2],
    [100, '1%', '1%', 1, 1],
    [0, '25%', '25%', 0, 1],
    [10, '100%', '100%', 10, 10],
  ];
  for (const [replicas, s, u, wantSurge, wantUnavailable] of cases) {
    assert.deepEqual(resolveFenceposts(s, u, replicas), { surge: wantSurge, unavailable: wantUnavailable }, `${replicas} ${s} ${u}`);
  }
});

test('maxSurge / maxUnavailable of a deployment', () => {
  assert.equal(maxSurge(deployment(10)), 3);
  assert.equal(maxUnavailable(deployment(10)), 2);
  assert.equal(maxUnavailable(deployment(3, 0, 5)), 3, 'clamped to replicas');
  assert.equal(maxUnavailable(deployment(0)), 0);
  assert.equal(maxSurge(deployment(10, 1, 1, 'Recreate')), 0);
  assert.equal(maxUnavailable(deployment(10, 1, 1, 'Recreate')), 0);
  const defaulted = deployment(10);
  delete defaulted.spec.strategy;
  assert.equal(maxSurge(defaulted), 3, 'RollingUpdate 25%/25% when unset');
});

test('newRSNewReplicas respects maxSurge and the desired count', () => {
  const d = deployment(10); // surge 3
  const newRS = rs('new', 0);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), newRS], newRS), 3);
  const n3 = rs('new', 3, 0);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), n3], n3), 3, 'at the surge limit');
  assert.equal(newRSNewReplicas(d, [rs('old', 8), n3], n3), 5);
  const n9 = rs('new', 9);
  assert.equal(newRSNewReplicas(d, [n9], n9), 10, 'never beyond replicas');
  assert.equal(newRSNewReplicas(deployment(10, 1, 1, 'Recreate'), [rs('old', 10), newRS], newRS), 10);
});

test('reconcileOldReplicaSets: available old pods go only as far as availability allows', () => {
  const d = deployment(10); // surge 3, unavailable 2
  const old = rs('old', 10);
  const fresh = rs('new', 3, 0);
  assert.deepEqual(reconcileOldReplicaSets(d, [old, fresh], [old], fresh).map((c) => [c.rs.metadata.name, c.replicas]), [['old', 8]]);
  // Unhealthy old pods are removed first and do not count as available.
  const sick = rs('old', 10, 7);
  assert.deepEqual(reconcileOldReplicaSets(d, [sick, fresh], [sick], fresh).map((c) => c.replicas), [8]);
  // maxUnavailable 0: nothing goes until a new pod is available.
  const d3 = deployment(3); // surge 1, unavailable 0
  const o3 = rs('old', 3);
  assert.deepEqual(reconcileOldReplicaSets(d3, [o3, rs('new', 1, 0)], [o3], rs('new', 1, 0)), []);
  const ready = rs('new', 1, 1);
  assert.deepEqual(reconcileOldReplicaSets(d3, [o3, ready], [o3], ready).map((c) => c.replicas), [2]);
  // Several old ReplicaSets: the oldest shrinks first.
  const a = rs('a', 2, 2, { created: '2024-01-01T00:00:00Z' });
  const b = rs('b', 2, 2, { created: '2024-01-02T00:00:00Z' });
  const n = rs('new', 2, 2);
  const d4 = deployment(4, 0, 1);
  assert.deepEqual(reconcileOldReplicaSets(d4, [a, b, n], [a, b], n).map((c) => [c.rs.metadata.name, c.replicas]), [['a', 0], ['b', 1]]);
});

test('nextRollingStep: scale up new first, then scale down old, then nothing', () => {
  const d = deployment(3, 1, 0);
  const old = rs('old', 3);
  assert.deepEqual(nextRollingStep(d, rs('new', 0), [old]), { action: 'scaleUpNew', replicas: 1 });
  const step = nextRollingStep(d, rs('new', 1, 1), [old]);
  assert.equal(step.action, 'scaleDownOld');
  assert.deepEqual(nextRollingStep(d, rs('new', 3, 3), [rs('old', 0, 0)]), { action: 'none' });
  // A new ReplicaSet larger than the deployment shrinks straight to size.
  assert.deepEqual(nextRollingStep(d, rs('new', 5, 5), []), { action: 'scaleUpNew', replicas: 3 });
});

/**
 * Runs a whole rolling update against a toy cluster: pods appear and vanish at
 * once, new pods become available one tick after they exist (or never, when
 * unhealthy). Checks Kubernetes' two promises at every tick.
 */
function simulate(replicas: number, surge: IntOrString, unavailable: IntOrString, healthy = true, maxTicks = 200): { ticks: number; done: boolean } {
  const d = deployment(replicas, surge, unavailable);
  const { surge: s } = resolveFenceposts(surge, unavailable, replicas);
  const u = maxUnavailable(d);
  const old = rs('old', replicas);
  const fresh = rs('new', 0, 0);
  let pendingAvailable = 0;
  for (let tick = 1; tick <= maxTicks; tick++) {
    // New pods created last tick become available now.
    if (healthy) fresh.status!.availableReplicas = Math.min(fresh.spec.replicas!, (fresh.status!.availableReplicas ?? 0) + pendingAvailable);
    const step = nextRollingStep(d, fresh, [old]);
    if (step.action === 'none') {
      return { ticks: tick, done: fresh.spec.replicas === replicas && old.spec.replicas === 0 && fresh.status!.availableReplicas === replicas };
    }
    if (step.action === 'scaleUpNew') {
      pendingAvailable = step.replicas - fresh.spec.replicas!;
      fresh.spec.replicas = step.replicas;
    } else {
      pendingAvailable = fresh.spec.replicas! - (fresh.status!.availableReplicas ?? 0);
      for (const c of step.changes) {
        c.rs.spec.replicas = c.replicas;
        // The ReplicaSet controller deletes unavailable pods first.
        c.rs.status!.availableReplicas = Math.min(c.rs.status!.availableReplicas ?? 0, c.replicas);
      }
    }
    fresh.status!.replicas = fresh.spec.replicas!;
    old.status!.replicas = old.spec.replicas!;
    const total = fresh.spec.replicas! + old.spec.replicas!;
    const available = (fresh.status!.availableReplicas ?? 0) + (old.status!.availableReplicas ?? 0);
    assert.ok(total <= replicas + s, `${replicas}/${surge}/${unavailable} tick ${tick}: ${total} pods > ${replicas}+${s}`);
    assert.ok(available >= replicas - u, `${replicas}/${surge}/${unavailable} tick ${tick}: ${available} available < ${replicas}-${u}`);
  }
  return { ticks: maxTicks, done: false };
}

test('simulated rolling updates keep surge and availability bounds and finish', () => {
  const surges: IntOrString[] = [0, 1, 2, '25%', '50%', '100%'];
  const unavailables: IntOrString[] = [0, 1, '25%', '50%', '100%'];
  let runs = 0;
  for (const replicas of [1, 2, 3, 5, 10, 17]) {
    for (const s of surges) {
      for (const u of unavailables) {
        const r = simulate(replicas, s, u);
        assert.ok(r.done, `rollout ${replicas}/${s}/${u} did not finish in ${r.ticks} ticks`);
        runs++;
      }
    }
  }
  assert.equal(runs, 180);
});

test('a rollout whose new pods never become ready stalls within the bounds', () => {
  for (const [replicas, s, u] of [[3, '25%', '25%'], [10, '25%', '25%'], [10, 0, 2], [4, 2, 0]] as Array<[number, IntOrString, IntOrString]>) {
    const r = simulate(replicas, s, u, false, 50);
    assert.equal(r.done, false);
  }
});

test('scalePlan: a single active ReplicaSet takes the new size', () => {
  const d = deployment(5);
  const only = rs('new', 3, 3, { desired: 3 });
  assert.deepEqual(scalePlan(d, only, [rs('old', 0, 0)]).map((c) => [c.rs.metadata.name, c.replicas]), [['new', 5]]);
  assert.deepEqual(scalePlan(deployment(3), only, []), []);
});

test('scalePlan: proportional scaling mid-rollout', () => {
  const old = rs('old', 8, 8, { desired: 10, max: 13, created: '2024-01-01T00:00:00Z' });
  const fresh = rs('new', 5, 0, { desired: 10, max: 13, created: '2024-01-02T00:00:00Z' });
  const up = new Map(scalePlan(deployment(20), fresh, [old]).map((c) => [c.rs.metadata.name, c.replicas]));
  assert.deepEqual(Object.fromEntries(up), { old: 15, new: 10 });
  const down = new Map(scalePlan(deployment(5), fresh, [old]).map((c) => [c.rs.metadata.name, c.replicas]));
  assert.deepEqual(Object.fromEntries(down), { old: 4, new: 3 });
  const zero = new Map(scalePlan(deployment(0), fresh, [old]).map((c) => [c.rs.metadata.name, c.replicas]));
  assert.deepEqual(Object.fromEntries(zero), { old: 0, new: 0 });
});

test('scalePlan: a saturated new ReplicaSet lets the old ones go', () => {
  const fresh = rs('new', 4, 4, { desired: 4 });
  const old = rs('old', 1, 1, { desired: 4 });
  assert.ok(isSaturated(deployment(4), fresh));
  assert.deepEqual(scalePlan(deployment(4), fresh, [old]).map((c) => [c.rs.metadata.name, c.replicas]), [['old', 0]]);
});

test('isScalingEvent and findActiveOrLatest', () => {
  assert.ok(isScalingEvent(deployment(5), rs('new', 3, 3, { desired: 3 }), []));
  assert.ok(!isScalingEvent(deployment(3), rs('new', 3, 3, { desired: 3 }), [rs('old', 0, 0, { desired: 7 })]), 'inactive ones do not count');
  assert.ok(!isScalingEvent(deployment(3), rs('new', 3, 3), []), 'no annotation, no scaling event');
  const older = rs('older', 0, 0, { created: '2024-01-01T00:00:00Z' });
  const newer = rs('newer', 0, 0, { created: '2024-01-03T00:00:00Z' });
  assert.equal(findActiveOrLatest(undefined, [older, newer])?.metadata.name, 'newer');
  assert.equal(findActiveOrLatest(rs('n', 0, 0), [older])?.metadata.name, 'n');
  assert.equal(findActiveOrLatest(rs('n', 2), [rs('o', 1)]), undefined);
  assert.equal(findActiveOrLatest(undefined, []), undefined);
});

test('nextRecreateStep: old to zero, wait for pods, create, scale up', () => {
  const d = deployment(3, 0, 0, 'Recreate');
  assert.equal(nextRecreateStep(d, undefined, [rs('old', 3)], true).action, 'scaleDownOld');
  assert.equal(nextRecreateStep(d, undefined, [rs('old', 0, 0)], true).action, 'waitForOldPods');
  assert.equal(nextRecreateStep(d, undefined, [rs('old', 0, 0)], false).action, 'createNew');
  assert.deepEqual(nextRecreateStep(d, rs('new', 0, 0), [rs('old', 0, 0)], false), { action: 'scaleUpNew', replicas: 3 });
  assert.deepEqual(nextRecreateStep(d, rs('new', 3), [], false), { action: 'none' });
});
