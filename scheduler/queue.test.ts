import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDuration, SchedulingQueue } from './queue.js';
import { makePodInfo } from './test-fixtures.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('backoff doubles from 1 s to at most 10 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffDuration(a, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('pops by priority, then creation time, then arrival', async () => {
  const q = new SchedulingQueue();
  q.addOrUpdate(makePodInfo('old-low', { created: '2026-01-01T00:00:00Z' }));
  q.addOrUpdate(makePodInfo('new-high', { priority: 100, created: '2026-01-02T00:00:00Z' }));
  q.addOrUpdate(makePodInfo('new-low', { created: '2026-01-02T00:00:00Z' }));
  q.addOrUpdate(makePodInfo('older-low', { created: '2025-12-01T00:00:00Z' }));
  const order: string[] = [];
  for (let i = 0; i < 4; i++) order.push((await q.pop())!.info.name);
  assert.deepEqual(order, ['new-high', 'older-low', 'old-low', 'new-low']);
  q.close();
});

test('unschedulable pods wait for a cluster change, then sit out their backoff', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now, flushIntervalMs: 1_000_000 });
  q.addOrUpdate(makePodInfo('p'));
  const first = (await q.pop())!;
  q.requeueUnschedulable(first);
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 1, inFlight: 0 });
  c.advance(5000);
  q.flush(); // backoff over, but nothing changed: keeps waiting
  assert.equal(q.stats().unschedulable, 1);
  q.moveAllToActiveOrBackoff();
  assert.equal(q.stats().active, 1);
  const second = (await q.pop())!;
  assert.equal(second.attempts, 2);
  q.requeueUnschedulable(second);
  q.moveAllToActiveOrBackoff(); // within the 2 s backoff: goes to backoff
  assert.deepEqual(q.stats(), { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
  c.advance(1999);
  q.flush();
  assert.equal(q.stats().backoff, 1);
  c.advance(1);
  q.flush();
  assert.equal(q.stats().active, 1);
  q.close();
});

test('a change during the cycle sends the failed pod to backoff, not to wait for another change', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now, flushIntervalMs: 1_000_000 });
  q.addOrUpdate(makePodInfo('p'));
  const p = (await q.pop())!;
  q.moveAllToActiveOrBackoff(); // e.g. a node was added while p was being scheduled
  q.requeueUnschedulable(p);
  assert.equal(q.stats().backoff, 1);
  c.advance(1000);
  q.flush();
  assert.equal(q.stats().active, 1);
  q.close();
});

test('pods that are unschedulable for long are retried without a change', async () => {
  const c = clock();
  const q = new SchedulingQueue({ now: c.now, flushIntervalMs: 1_000_000, maxUnschedulableMs: 60_000 });
  q.addOrUpdate(makePodInfo('p'));
  q.requeueUnschedulable((await q.pop())!);
  c.advance(61_000);
  q.flush();
  assert.equal(q.stats().active, 1);
  q.close();
});

test('spec changes move an unschedulable pod; status-only updates do not', async () => {
  const q = new SchedulingQueue({ flushIntervalMs: 1_000_000, initialBackoffMs: 0 });
  const info = makePodInfo('p', { uid: 'u1', cpu: '8' });
  q.addOrUpdate(info);
  q.requeueUnschedulable((await q.pop())!);
  const statusOnly = { ...info, pod: { ...info.pod, status: { conditions: [{ type: 'PodScheduled', status: 'False' as const }] } } };
  q.addOrUpdate(statusOnly);
  assert.equal(q.stats().unschedulable, 1);
  q.addOrUpdate(makePodInfo('p', { uid: 'u1', cpu: '1' }));
  assert.equal(q.stats().active, 1);
  q.close();
});

test('a pod deleted while in flight is not requeued; pop waits and can be aborted', async () => {
  const q = new SchedulingQueue();
  q.addOrUpdate(makePodInfo('p'));
  const p = (await q.pop())!;
  q.delete(p.key);
  q.requeueUnschedulable(p);
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  const waiting = q.pop();
  q.addOrUpdate(makePodInfo('later'));
  assert.equal((await waiting)?.info.name, 'later');
  const ac = new AbortController();
  const aborted = q.pop(ac.signal);
  ac.abort();
  assert.equal(await aborted, undefined);
  q.close();
});

test('updates while in flight replace the pod the failure path requeues', async () => {
  const q = new SchedulingQueue({ flushIntervalMs: 1_000_000 });
  q.addOrUpdate(makePodInfo('p', { uid: 'u', cpu: '1' }));
  const p = (await q.pop())!;
  q.addOrUpdate(makePodInfo('p', { uid: 'u', cpu: '2' }));
  assert.equal(p.info.requests.milliCPU, 2000);
  assert.equal(q.stats().active, 0);
  q.close();
});

test('a deleted pod only brings back pods that lacked resources or ports', async () => {
  const q = new SchedulingQueue({ flushIntervalMs: 1_000_000, initialBackoffMs: 0 });
  q.addOrUpdate(makePodInfo('needs-cpu'));
  q.addOrUpdate(makePodInfo('needs-label'));
  const a = (await q.pop())!;
  const b = (await q.pop())!;
  q.requeueUnschedulable(a, true);
  q.requeueUnschedulable(b, false);
  q.moveAllToActiveOrBackoff('AssignedPodDelete');
  assert.deepEqual(q.stats(), { active: 1, backoff: 0, unschedulable: 1, inFlight: 0 });
  q.moveAllToActiveOrBackoff('NodeAdd');
  assert.deepEqual(q.stats(), { active: 2, backoff: 0, unschedulable: 0, inFlight: 0 });
  q.close();
});
