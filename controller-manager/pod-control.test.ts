import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import {
  compareForDeletion, ControllerExpectations, isPodActive, isPodAvailable, OwnWrites, podFromTemplate, podNamePrefix, podsToDelete, slowStartBatch,
} from './pod-control.js';

interface PodOpts {
  node?: string;
  phase?: 'Pending' | 'Running' | 'Unknown' | 'Succeeded' | 'Failed';
  ready?: boolean;
  readySince?: string;
  restarts?: number;
  created?: string;
  cost?: number;
  deleting?: boolean;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const p: Pod = {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'i' }], nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2024-01-01T00:00:10Z' }],
      containerStatuses: [{ name: 'c', ready: o.ready !== false, restartCount: o.restarts ?? 0, image: 'i', imageID: '' }],
    },
  };
  if (o.cost !== undefined) p.metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) };
  if (o.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:01:00Z';
  return p;
}

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name!);

test('deletion order: unscheduled, pending, not ready, then ready', () => {
  const pods = [
    pod('ready', { node: 'n1' }),
    pod('notready', { node: 'n1', ready: false }),
    pod('pending', { node: 'n1', phase: 'Pending', ready: false }),
    pod('unknown', { node: 'n1', phase: 'Unknown', ready: false }),
    pod('unscheduled', { phase: 'Pending', ready: false }),
  ];
  assert.deepEqual(names(podsToDelete(pods, 4)), ['unscheduled', 'pending', 'unknown', 'notready']);
  assert.deepEqual(names(podsToDelete(pods, 1)), ['unscheduled']);
});

test('deletion order among ready pods: deletion cost, crowding, ready time, restarts, age', () => {
  assert.deepEqual(names(podsToDelete([pod('cheap', { node: 'a', cost: -5 }), pod('dear', { node: 'a', cost: 10 })], 1)), ['cheap']);
  // Two siblings on node a, one on b: the crowded node gives one up first.
  const crowded = [pod('a1', { node: 'a', created: '2024-01-01T00:00:00Z' }), pod('a2', { node: 'a' }), pod('b1', { node: 'b', created: '2024-02-01T00:00:00Z' })];
  assert.equal(podsToDelete(crowded, 1)[0].spec.nodeName, 'a');
  // Ready for less time goes first.
  assert.deepEqual(names(podsToDelete([pod('old', { node: 'a', readySince: '2024-01-01T00:00:00Z' }), pod('fresh', { node: 'b', readySince: '2024-01-02T00:00:00Z' })], 1)), ['fresh']);
  // More restarts go first.
  assert.deepEqual(names(podsToDelete([pod('stable', { node: 'a' }), pod('flappy', { node: 'b', restarts: 7 })], 1)), ['flappy']);
  // Newest goes first.
  assert.deepEqual(names(podsToDelete([pod('older', { node: 'a', created: '2024-01-01T00:00:00Z' }), pod('newer', { node: 'b', created: '2024-03-01T00:00:00Z' })], 1)), ['newer']);
});

test('compareForDeletion is a consistent total order', () => {
  const pods = [pod('x', { node: 'a' }), pod('y', { node: 'a' }), pod('z', { ready: false })];
  for (const a of pods) {
    assert.equal(compareForDeletion(a, a), 0);
    for (const b of pods) if (a !== b) assert.equal(Math.sign(compareForDeletion(a, b)), -Math.sign(compareForDeletion(b, a)));
  }
});

test('podsToDelete with count >= pods returns all, 0 returns none', () => {
  const pods = [pod('a'), pod('b')];
  assert.equal(podsToDelete(pods, 5).length, 2);
  assert.equal(podsToDelete(pods, 0).length, 0);
});

test('active and available pods', () => {
  assert.ok(isPodActive(pod('a')));
  assert.ok(!isPodActive(pod('a', { phase: 'Succeeded' })));
  assert.ok(!isPodActive(pod('a', { phase: 'Failed' })));
  assert.ok(!isPodActive(pod('a', { deleting: true })));
  const now = Date.parse('2024-01-01T00:00:30Z');
  const p = pod('a', { readySince: '2024-01-01T00:00:10Z' });
  assert.ok(isPodAvailable(p, 0, now));
  assert.ok(isPodAvailable(p, 10, now));
  assert.ok(!isPodAvailable(p, 20, now));
  assert.ok(!isPodAvailable(pod('b', { ready: false }), 0, now));
});

test('slowStartBatch grows 1, 2, 4, … and stops after a failing batch', async () => {
  let calls = 0;
  let inFlight = 0;
  const batches: number[] = [];
  const r = await slowStartBatch(10, 1, async () => {
    if (inFlight === 0) batches.push(0);
    inFlight++;
    batches[batches.length - 1]++;
    calls++;
    await new Promise((res) => setImmediate(res));
    inFlight--;
  });
  assert.deepEqual(batches, [1, 2, 4, 3]);
  assert.equal(r.successes, 10);
  assert.equal(r.error, undefined);

  let n = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    n++;
    if (n >= 2) throw new Error('quota');
  });
  assert.equal(n, 3, 'batches of 1 and 2, then stop');
  assert.equal(failing.successes, 1);
  assert.match(String(failing.error), /quota/);
  assert.equal(calls, 10);
});

test('podFromTemplate copies labels, annotations and spec, sets generateName and owner', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u1', controller: true, blockOwnerDeletion: true };
  const template = { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  const p = podFromTemplate(template, 'ns1', 'web-abc', ref);
  assert.equal(p.metadata.generateName, 'web-abc-');
  assert.equal(p.metadata.namespace, 'ns1');
  assert.deepEqual(p.metadata.labels, { app: 'web' });
  assert.deepEqual(p.metadata.annotations, { a: 'b' });
  assert.deepEqual(p.metadata.ownerReferences, [ref]);
  assert.deepEqual(p.spec, template.spec);
  assert.notEqual(p.spec, template.spec, 'a copy, not the template itself');
  assert.ok(podNamePrefix('x'.repeat(80)).length <= 58);
});

test('expectations: creations and exact deletions must be observed, or expire', () => {
  let now = 0;
  const e = new ControllerExpectations(() => now, 1000);
  assert.ok(e.satisfied('ns/rs'));
  e.expectCreations('ns/rs', 2);
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));

  e.expectDeletions('ns/rs', ['ns/p1', 'ns/p2']);
  e.deletionObserved('ns/rs', 'ns/p1');
  e.deletionObserved('ns/rs', 'ns/p1'); // terminating, then deleted: counts once
  assert.ok(!e.satisfied('ns/rs'));
  e.deletionObserved('ns/rs', 'ns/other');
  assert.ok(!e.satisfied('ns/rs'));
  now = 2000;
  assert.ok(e.satisfied('ns/rs'), 'expired expectations no longer block');
  e.delete('ns/rs');
  assert.equal(e.pending('ns/rs'), undefined);
});

test('OwnWrites: a cache older than our last write is behind until it catches up or the wait expires', () => {
  let now = 0;
  const w = new OwnWrites(() => now, 1000);
  assert.ok(!w.cacheBehind('ns/a', '5'), 'nothing written yet');
  w.written('ns/a', '10');
  assert.ok(w.cacheBehind('ns/a', '9'));
  assert.ok(!w.cacheBehind('ns/a', '10'));
  assert.ok(!w.cacheBehind('ns/a', '9'), 'caught up once: forgotten');
  w.written('ns/a', '20');
  now = 2000;
  assert.ok(!w.cacheBehind('ns/a', '9'), 'waited long enough');
  w.written('ns/b', 'not-a-number');
  assert.ok(!w.cacheBehind('ns/b', '1'));
  w.written('ns/c', '3');
  assert.ok(!w.cacheBehind('ns/c', 'abc'));
  w.written('ns/d', '3');
  w.forget('ns/d');
  assert.ok(!w.cacheBehind('ns/d', '1'));
});
