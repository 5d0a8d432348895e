import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  effectiveRules, limitWithRules, newMemory, normalizeLegacy, normalizeWithBehaviors, scaleDownLimit, scaleUpLimit, stabilize, storeScaleEvent,
} from './hpa-normalize.js';

const T0 = 1_000_000;
const s = (n: number): number => T0 + n * 1000;

test('legacy stabilization: the highest recommendation within the window wins', () => {
  const mem = newMemory(5, T0);
  assert.equal(stabilize(mem, 2, 300_000, s(15)), 5, 'the initial size still counts');
  assert.equal(stabilize(mem, 3, 300_000, s(30)), 5);
  assert.equal(stabilize(mem, 1, 300_000, s(301)), 3, 'the initial 5 and the 2 have left the window');
  // an expired slot is reused instead of growing the list
  assert.ok(mem.recommendations.length <= 3);
});

test('legacy limits: at most max(2x, 4) up per step, then min/max', () => {
  assert.deepEqual(limitWithRules(1, 10, 1, 20), { replicas: 4, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  assert.equal(limitWithRules(5, 30, 1, 20).replicas, 10);
  assert.deepEqual(limitWithRules(5, 30, 1, 8), { replicas: 8, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
  assert.equal(limitWithRules(5, 0, 2, 8).reason, 'TooFewReplicas');
  assert.equal(limitWithRules(5, 0, 2, 8).replicas, 2);
  assert.equal(limitWithRules(5, 6, 2, 8).reason, 'DesiredWithinRange');
});

test('legacy normalize reports AbleToScale and ScalingLimited as Kubernetes does', () => {
  const mem = newMemory(4, T0);
  const down = normalizeLegacy(mem, 4, 1, 1, 10, 60_000, s(15));
  assert.equal(down.replicas, 4);
  assert.deepEqual(down.conditions[0], { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
  assert.deepEqual(down.conditions[1].status, 'False');
  assert.equal(normalizeLegacy(mem, 4, 1, 1, 10, 60_000, s(61)).replicas, 1, 'after the window the scale-down happens');
  const up = normalizeLegacy(newMemory(2, T0), 2, 12, 1, 10, 60_000, s(15));
  assert.equal(up.replicas, 4);
  assert.deepEqual(up.conditions.map((c) => [c.type, c.status, c.reason]), [['AbleToScale', 'True', 'ReadyForNewScale'], ['ScalingLimited', 'True', 'ScaleUpLimit']]);
});

test('behavior defaults: up by max(4 pods, 100%) per 15 s; a scale-down window unset in the spec comes from the flag', () => {
  const { up, down } = effectiveRules({}, 120_000);
  assert.equal(up.stabilizationWindowSeconds, 0);
  assert.equal(down.stabilizationWindowSeconds, 120);
  assert.equal(effectiveRules({ scaleDown: { stabilizationWindowSeconds: 5 } }, 120_000).down.stabilizationWindowSeconds, 5);
  assert.equal(scaleUpLimit(1, [], [], up, s(0)), 5);
  assert.equal(scaleUpLimit(10, [], [], up, s(0)), 20);
  // after +4 in this period, the period started at 1 replica
  assert.equal(scaleUpLimit(5, [{ change: 4, at: s(0), outdated: false }], [], up, s(5)), 5);
  assert.equal(scaleUpLimit(5, [{ change: 4, at: s(0), outdated: false }], [], up, s(16)), 10);
  assert.equal(scaleUpLimit(5, [], [], { ...up, selectPolicy: 'Min' }, s(0)), 9);
  assert.equal(scaleUpLimit(5, [], [], { ...up, selectPolicy: 'Disabled' }, s(0)), 5);
});

test('behavior scale-down policies: percent truncates, pods per period, events in the period count', () => {
  const rules = { stabilizationWindowSeconds: 0, selectPolicy: 'Max' as const, policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }] };
  assert.equal(scaleDownLimit(5, [], [], rules, s(0)), 4);
  assert.equal(scaleDownLimit(4, [], [{ change: 1, at: s(0), outdated: false }], rules, s(10)), 4);
  assert.equal(scaleDownLimit(4, [], [{ change: 1, at: s(0), outdated: false }], rules, s(61)), 3);
  const pct = { ...rules, policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 15 }] };
  assert.equal(scaleDownLimit(5, [], [], pct, s(0)), 2);
  assert.equal(scaleDownLimit(5, [], [], { ...rules, selectPolicy: 'Min', policies: [...rules.policies, ...pct.policies] }, s(0)), 4, 'Min picks the smaller change');
});

test('with behavior: scale-up limited per period, scale-down stabilized, then limited', () => {
  const mem = newMemory(1, T0);
  const behavior = { scaleDown: { stabilizationWindowSeconds: 30 } };
  const a = normalizeWithBehaviors(mem, behavior, 1, 10, 1, 10, 300_000, s(0));
  assert.equal(a.replicas, 5);
  assert.deepEqual(a.conditions[1], { type: 'ScalingLimited', status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  storeScaleEvent(mem, behavior, 1, 5, 300_000, s(0));
  assert.equal(normalizeWithBehaviors(mem, behavior, 5, 10, 1, 10, 300_000, s(5)).replicas, 5, 'no more this period');
  assert.equal(normalizeWithBehaviors(mem, behavior, 5, 10, 1, 10, 300_000, s(16)).replicas, 10);
  // load gone: the recent 10s hold the size for 30 s
  const held = normalizeWithBehaviors(mem, behavior, 10, 1, 1, 10, 300_000, s(20));
  assert.equal(held.replicas, 10);
  assert.equal(held.conditions[0].reason, 'ScaleDownStabilized');
  const after = normalizeWithBehaviors(mem, behavior, 10, 1, 1, 10, 300_000, s(50));
  assert.equal(after.replicas, 1);
  assert.equal(after.conditions[0].reason, 'ReadyForNewScale');
  assert.equal(after.conditions[1].reason, 'DesiredWithinRange');
});

test('with behavior: min and max bound the result', () => {
  const mem = newMemory(3, T0);
  const r = normalizeWithBehaviors(mem, { scaleDown: { stabilizationWindowSeconds: 0 } }, 3, 0, 2, 10, 0, s(1));
  assert.equal(r.replicas, 2);
  assert.equal(r.conditions[1].reason, 'TooFewReplicas');
  const up = normalizeWithBehaviors(newMemory(3, T0), {}, 3, 8, 1, 4, 0, s(1));
  assert.equal(up.replicas, 4);
  assert.equal(up.conditions[1].reason, 'TooManyReplicas');
});

test('scale events are only kept with a behavior, outdated slots are reused', () => {
  const mem = newMemory(1, T0);
  storeScaleEvent(mem, undefined, 1, 5, 0, s(0));
  assert.equal(mem.scaleUpEvents.length, 0);
  storeScaleEvent(mem, {}, 1, 5, 0, s(0));
  storeScaleEvent(mem, {}, 5, 7, 0, s(5));
  assert.deepEqual(mem.scaleUpEvents.map((e) => e.change), [4, 2]);
  storeScaleEvent(mem, {}, 7, 10, 0, s(30));
  assert.deepEqual(mem.scaleUpEvents.map((e) => e.change), [4, 3], 'the last outdated slot was reused');
  assert.deepEqual(mem.scaleUpEvents.map((e) => e.outdated), [true, false]);
  storeScaleEvent(mem, {}, 10, 4, 0, s(31));
  assert.deepEqual(mem.scaleDownEvents.map((e) => e.change), [6]);
});
