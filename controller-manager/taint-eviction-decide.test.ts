import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Taint, Toleration } from '../api/types/index.js';
import { evictionTime, tolerates } from './taint-eviction-decide.js';

const ADDED = Date.parse('2024-01-01T00:00:00Z');
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
const custom: Taint = { key: 'maintenance', value: 'yes', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
const at = (taints: Taint[], tolerations: Toleration[] | undefined, nowMs = ADDED + 1000, def = 300) =>
  evictionTime({ taints, tolerations, nowMs, defaultTolerationSeconds: def });

test('tolerates: key, value, operator and effect as Kubernetes matches them', () => {
  assert.equal(tolerates({ key: 'maintenance', operator: 'Equal', value: 'yes', effect: 'NoExecute' }, custom), true);
  assert.equal(tolerates({ key: 'maintenance', operator: 'Equal', value: 'no' }, custom), false);
  assert.equal(tolerates({ key: 'maintenance', operator: 'Exists' }, custom), true);
  assert.equal(tolerates({ operator: 'Exists' }, custom), true);
  assert.equal(tolerates({ operator: 'Exists', effect: 'NoSchedule' }, custom), false);
  assert.equal(tolerates({ key: 'other', operator: 'Exists' }, custom), false);
  assert.equal(tolerates({ key: 'maintenance', value: 'yes' }, custom), true); // operator defaults to Equal
});

test('no NoExecute taint: never evicted', () => {
  assert.equal(at([{ key: 'x', effect: 'NoSchedule' }], []), undefined);
  assert.equal(at([], undefined), undefined);
});

test('an untolerated NoExecute taint evicts at once', () => {
  assert.equal(at([custom], []), ADDED + 1000);
  assert.equal(at([custom], [{ key: 'other', operator: 'Exists' }]), ADDED + 1000);
});

test('tolerationSeconds counts from the taint\'s timeAdded', () => {
  const tol: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 };
  assert.equal(at([unreachable], [tol]), ADDED + 2000);
  // long after: still the same deadline (so a restarted controller evicts at once)
  assert.equal(at([unreachable], [tol], ADDED + 60_000), ADDED + 2000);
  // zero or negative: at once
  assert.equal(at([unreachable], [{ ...tol, tolerationSeconds: 0 }]), ADDED);
  assert.equal(at([unreachable], [{ ...tol, tolerationSeconds: -5 }]), ADDED);
});

test('a toleration without tolerationSeconds tolerates forever; the smallest limit among matches wins', () => {
  assert.equal(at([unreachable], [{ operator: 'Exists' }]), undefined);
  assert.equal(at([unreachable], [{ operator: 'Exists' }, { key: unreachable.key, operator: 'Exists', tolerationSeconds: 30 }]), ADDED + 30_000);
  assert.equal(at([unreachable], [
    { key: unreachable.key, operator: 'Exists', tolerationSeconds: 30 },
    { key: unreachable.key, operator: 'Exists', tolerationSeconds: 10 },
  ]), ADDED + 10_000);
});

test('with several taints the earliest deadline wins; any untolerated one evicts now', () => {
  const late: Taint = { ...custom, timeAdded: '2024-01-01T00:00:10Z' };
  const tols: Toleration[] = [
    { key: unreachable.key, operator: 'Exists', tolerationSeconds: 60 },
    { key: 'maintenance', operator: 'Exists', tolerationSeconds: 5 },
  ];
  assert.equal(at([unreachable, late], tols), ADDED + 15_000);
  assert.equal(at([unreachable, { key: 'z', effect: 'NoExecute' }], tols), ADDED + 1000);
});

test('not-ready/unreachable without a toleration fall back to the default toleration', () => {
  assert.equal(at([unreachable], [], ADDED, 300), ADDED + 300_000);
  assert.equal(at([{ ...unreachable, key: 'node.kubernetes.io/not-ready' }], undefined, ADDED, 5), ADDED + 5_000);
});

test('a taint without timeAdded counts from when it was first seen', () => {
  const t: Taint = { key: unreachable.key, effect: 'NoExecute' };
  const tol: Toleration = { key: unreachable.key, operator: 'Exists', tolerationSeconds: 2 };
  assert.equal(evictionTime({ taints: [t], tolerations: [tol], nowMs: 10_000, defaultTolerationSeconds: 300, firstSeenMs: () => 7_000 }), 9_000);
  assert.equal(evictionTime({ taints: [t], tolerations: [tol], nowMs: 10_000, defaultTolerationSeconds: 300 }), 12_000);
});
