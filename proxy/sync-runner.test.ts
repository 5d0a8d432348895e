import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { SyncRunner } from './sync-runner.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls instead of sleeping a fixed time, so a loaded machine slows the test down rather than failing it. */
async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('requests inside the min interval are batched into one sync', async () => {
  const calls: boolean[] = [];
  const r = new SyncRunner(async (full) => {
    calls.push(full);
  }, { minIntervalMs: 1000, periodMs: 60_000, log });
  r.request(true);
  await sleep(20);
  assert.deepEqual(calls, [], 'nothing runs before start()');
  const started = Date.now();
  r.start();
  await eventually(() => calls.length === 1, 'the first sync');
  for (let i = 0; i < 10; i++) r.request();
  await eventually(() => calls.length === 2, 'the batched sync');
  assert.ok(Date.now() - started >= 1000, 'the batched sync waited for the min interval');
  await sleep(50);
  assert.deepEqual(calls, [true, false]);
  await r.stop();
});

test('a failed sync is retried as a full one', async () => {
  const calls: boolean[] = [];
  const r = new SyncRunner(async (full) => {
    calls.push(full);
    if (calls.length === 1) throw new Error('boom');
  }, { minIntervalMs: 0, periodMs: 60_000, retryMs: 20, log });
  r.start();
  r.request();
  await eventually(() => calls.length === 2, 'the retry');
  assert.deepEqual(calls, [false, true]);
  assert.equal(r.pendingSince, undefined);
  await r.stop();
});
