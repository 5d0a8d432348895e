import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import { backoffDelayMs, backoffRemainingMs, nextBackoffRecord, podFinishedTime } from './job-backoff.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function finished(name: string, at: number, phase: 'Succeeded' | 'Failed'): Pod {
  return {
    metadata: { name, uid: name, creationTimestamp: iso(T0 - 60_000) },
    spec: { containers: [{ name: 'c' }] },
    status: { phase, containerStatuses: [{ name: 'c', restartCount: 0, ready: false, image: 'i', imageID: '', state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: iso(at) } } }] },
  } as Pod;
}

test('finish time: containers, then Ready=False, then deletion minus grace, then creation', () => {
  assert.equal(podFinishedTime(finished('a', T0, 'Failed')), T0);
  const readyFalse = { metadata: { name: 'b' }, spec: { containers: [] }, status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: iso(T0 + 5000) }] } } as unknown as Pod;
  assert.equal(podFinishedTime(readyFalse), T0 + 5000);
  const deleted = { metadata: { name: 'c', deletionTimestamp: iso(T0 + 30_000), deletionGracePeriodSeconds: 30 }, spec: { containers: [] }, status: {} } as unknown as Pod;
  assert.equal(podFinishedTime(deleted), T0);
  const fresh = { metadata: { name: 'd', creationTimestamp: iso(T0 - 1000) }, spec: { containers: [] }, status: {} } as unknown as Pod;
  assert.equal(podFinishedTime(fresh), T0 - 1000);
});

test('delay: 10 s doubling per consecutive failure, capped at 6 minutes', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelayMs(n) / 1000), [0, 10, 20, 40, 80, 160, 320, 360, 360]);
});

test('record: failures accumulate, a later success resets, failures after it count', () => {
  let r = nextBackoffRecord(undefined, [], [finished('f1', T0, 'Failed')]);
  assert.deepEqual(r, { failuresAfterLastSuccess: 1, lastFailureTime: T0 });
  r = nextBackoffRecord(r, [], [finished('f3', T0 + 30_000, 'Failed'), finished('f2', T0 + 20_000, 'Failed')]);
  assert.deepEqual(r, { failuresAfterLastSuccess: 3, lastFailureTime: T0 + 30_000 });
  assert.deepEqual(nextBackoffRecord(r, [], []), r, 'nothing new: unchanged');
  assert.deepEqual(nextBackoffRecord(r, [finished('s', T0 + 40_000, 'Succeeded')], []), { failuresAfterLastSuccess: 0 });
  assert.deepEqual(
    nextBackoffRecord(r, [finished('s', T0 + 40_000, 'Succeeded')], [finished('f4', T0 + 35_000, 'Failed'), finished('f5', T0 + 50_000, 'Failed')]),
    { failuresAfterLastSuccess: 1, lastFailureTime: T0 + 50_000 },
  );
});

test('remaining: counted from the last failure', () => {
  const r = { failuresAfterLastSuccess: 2, lastFailureTime: T0 };
  assert.equal(backoffRemainingMs(r, T0 + 5000), 15_000);
  assert.equal(backoffRemainingMs(r, T0 + 20_000), 0);
  assert.equal(backoffRemainingMs({ failuresAfterLastSuccess: 0 }, T0), 0);
});
