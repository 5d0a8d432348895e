import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { makeNode, makePodInfo } from './test-fixtures.js';

test('assumed pods count until forgotten, and are confirmed by the informer', () => {
  const c = new SchedulerCache();
  c.setNode(makeNode('n1'));
  c.setNode(makeNode('n2'));
  const p = makePodInfo('p', { cpu: '1' });
  c.assume(p, 'n1');
  assert.equal(c.getNode('n1')!.requested.milliCPU, 1000);
  assert.equal(c.isAssumed(p.uid), true);
  assert.throws(() => c.assume(p, 'n2'));
  c.forget(p.uid);
  assert.equal(c.getNode('n1')!.requested.milliCPU, 0);
  c.assume(p, 'n1');
  c.addOrUpdatePod(p, 'n1');
  assert.equal(c.isAssumed(p.uid), false);
  c.forget(p.uid); // confirmed pods stay
  assert.equal(c.getNode('n1')!.pods.size, 1);
});

test('a pod the informer reports on another node moves there', () => {
  const c = new SchedulerCache();
  c.setNode(makeNode('n1'));
  c.setNode(makeNode('n2'));
  const p = makePodInfo('p', { cpu: '1' });
  c.assume(p, 'n1');
  c.addOrUpdatePod(p, 'n2');
  assert.equal(c.getNode('n1')!.pods.size, 0);
  assert.equal(c.getNode('n2')!.pods.size, 1);
  c.removePod(p.uid);
  assert.equal(c.getNode('n2')!.pods.size, 0);
  assert.equal(c.podCount, 0);
});

test('pods seen before their node are accounted once the node appears; deleted nodes leave the list', () => {
  const c = new SchedulerCache();
  c.addOrUpdatePod(makePodInfo('early', { cpu: '1' }), 'late');
  assert.equal(c.nodeList().length, 0);
  c.setNode(makeNode('late'));
  c.setNode(makeNode('other'));
  assert.equal(c.nodeList().length, 2);
  assert.equal(c.getNode('late')!.requested.milliCPU, 1000);
  c.removeNode('late');
  assert.deepEqual(c.nodeList().map((n) => n.name), ['other']);
  assert.ok(c.getNode('late')); // still holds its pod
  c.setNode(makeNode('late'));
  assert.equal(c.nodeList().length, 2);
});

test('assumed pods whose binding was never confirmed expire after the TTL', () => {
  let t = 0;
  const c = new SchedulerCache({ assumedTtlMs: 1000, now: () => t });
  c.setNode(makeNode('n1'));
  const p = makePodInfo('p');
  const q = makePodInfo('q');
  c.assume(p, 'n1');
  c.assume(q, 'n1');
  c.finishBinding(p.uid);
  t = 2000;
  assert.equal(c.cleanupExpired(), 1); // q's binding is still in flight: kept
  assert.equal(c.hasPod(p.uid), false);
  assert.equal(c.hasPod(q.uid), true);
});
