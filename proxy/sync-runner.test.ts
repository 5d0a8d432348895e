import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { SyncRunner } from './sync-runner.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('requests inside the min interval are batched into one sync', async () => {
  const calls: boolean[] = [];
  const r = new SyncRunner(async (full) => {
    calls.push(full);
  }, { minIntervalMs: 200, periodMs: 60_000, log });
  r.request(true);
  await sleep(20);
  assert.deepEqual(calls, [], 'nothing runs before start()');
  r.start();
  await sleep(20);
  for (let i = 0; i < 10; i++) r.request();
  await sleep(50);
  assert.deepEqual(calls, [true]);
  await sleep(250);
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
  await sleep(100);
  assert.deepEqual(calls, [false, true]);
  assert.equal(r.pendingSince, undefined);
  await r.stop();
});
