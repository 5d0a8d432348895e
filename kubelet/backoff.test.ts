import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, nextBackoffStep, restartTiming, FailureBackoff } from './backoff.js';

test('CrashLoopBackOff: immediate, then 10 s doubling to 5 min', () => {
  assert.deepEqual([-1, 0, 1, 2, 3, 4, 5, 6, 7, 30].map(backoffDelayMs), [0, 0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});

test('a 10-minute run resets the step', () => {
  assert.equal(nextBackoffStep(-1, 1000), 0);
  assert.equal(nextBackoffStep(3, 1000), 4);
  assert.equal(nextBackoffStep(5, 600_000), 0);
});

test('restartTiming counts from the finish of the dead instance', () => {
  const t = restartTiming({ backoffStep: 0, startedAt: 1000, finishedAt: 2000 }, 5000);
  assert.deepEqual(t, { step: 1, notBefore: 12_000 });
  const first = restartTiming({ backoffStep: -1, startedAt: 1000, finishedAt: 2000 }, 5000);
  assert.deepEqual(first, { step: 0, notBefore: 2000 });
});

test('FailureBackoff doubles and forgets', () => {
  const b = new FailureBackoff(10, 40);
  assert.equal(b.fail('a', 0), 10);
  assert.equal(b.fail('a', 10), 30);
  assert.equal(b.fail('a', 30), 70);
  assert.equal(b.fail('a', 70), 110);
  assert.equal(b.blockedUntil('a', 100), 110);
  assert.equal(b.blockedUntil('a', 110), undefined);
  b.forgetPrefix('a');
  assert.equal(b.fail('a', 200), 210);
});
