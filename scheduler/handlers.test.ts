import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeChangeMatters, responsibleFor, wireHandlers } from './handlers.js';
import { makeNode, makePod } from './test-fixtures.js';
import { schedulerNamesFor } from './main.js';
import type { Node, Pod } from '../api/types/index.js';
import type { Informer } from '../client/index.js';
import { SchedulerCache } from './cache.js';
import { SchedulingQueue } from './queue.js';

test('pods for default-scheduler or kubelite-scheduler are ours; others are not', () => {
  const names = schedulerNamesFor('default-scheduler');
  assert.equal(responsibleFor(makePod('a'), names), true);
  assert.equal(responsibleFor(makePod('b', { schedulerName: 'kubelite-scheduler' }), names), true);
  assert.equal(responsibleFor(makePod('c', { schedulerName: 'my-scheduler' }), names), false);
  const empty = makePod('d');
  delete empty.spec.schedulerName;
  assert.equal(responsibleFor(empty, names), true);
  assert.equal(responsibleFor(makePod('e', { schedulerName: 'my-scheduler' }), schedulerNamesFor('my-scheduler')), true);
});

test('heartbeats do not count as node changes; allocatable, labels, taints, cordon and readiness do', () => {
  const base = makeNode('n');
  const heartbeat = structuredClone(base);
  heartbeat.status!.conditions![0].lastHeartbeatTime = '2026-01-01T00:00:10Z';
  assert.equal(nodeChangeMatters(base, heartbeat), false);
  assert.equal(nodeChangeMatters(base, makeNode('n', { cpu: '8' })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { labels: { a: 'b' } })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { unschedulable: true })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { ready: 'False' })), true);
});

type Handler = (...args: never[]) => void;

/** Just the `on` of an Informer, and a way to fire its events. */
class FakeInformer {
  private readonly handlers = new Map<string, Handler[]>();
  on(event: string, h: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), h]);
    return this;
  }
  fire(event: 'add' | 'update' | 'delete', ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) (h as (...a: unknown[]) => void)(...args);
  }
}

const pod = (nodeName?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: nodeName ? '2' : '1' },
  spec: { containers: [{ name: 'c', image: 'i' }], ...(nodeName ? { nodeName } : {}) },
});

function wired(): { pods: FakeInformer; cache: SchedulerCache; queue: SchedulingQueue } {
  const nodes = new FakeInformer();
  const pods = new FakeInformer();
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue();
  wireHandlers(
    { nodes: nodes as unknown as Informer<Node>, pods: pods as unknown as Informer<Pod> },
    cache, queue, new Set(['default-scheduler']),
  );
  return { pods, cache, queue };
}

test('one pod watch: an unassigned pod is queued, its binding moves it to the cache', () => {
  const { pods, cache, queue } = wired();
  const pending = pod();
  pods.fire('add', pending);
  assert.ok(queue.has('default/p'));
  assert.equal(cache.hasPod('u1'), false);

  pods.fire('update', pending, pod('n1'));
  assert.equal(queue.has('default/p'), false);
  assert.ok(cache.hasPod('u1'));
});

test('a bound pod seen first (relist) goes to the cache; its delete frees it', () => {
  const { pods, cache, queue } = wired();
  const bound = pod('n1');
  pods.fire('add', bound);
  assert.ok(cache.hasPod('u1'));
  assert.equal(queue.has('default/p'), false);
  pods.fire('delete', bound);
  assert.equal(cache.hasPod('u1'), false);
});

test('deleting an unassigned pod only takes it off the queue', () => {
  const { pods, cache, queue } = wired();
  const pending = pod();
  pods.fire('add', pending);
  pods.fire('delete', pending);
  assert.equal(queue.has('default/p'), false);
  assert.equal(cache.hasPod('u1'), false);
});
