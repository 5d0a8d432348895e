import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitingQueue, runWorkers } from './workqueue.js';
import { ItemExponentialRateLimiter } from './rate-limit.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a key queued twice is processed once', async () => {
  const q = new RateLimitingQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
  q.shutDown();
});

test('a key added while processing is re-queued only after done', async () => {
  const q = new RateLimitingQueue();
  q.add('a');
  const key = await q.get();
  assert.equal(key, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'not handed to a second worker while processing');
  q.done('a');
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.len(), 0);
  q.shutDown();
});

test('a waiting get is woken by add', async () => {
  const q = new RateLimitingQueue<number>();
  const pending = q.get();
  q.add(7);
  assert.equal(await pending, 7);
  q.shutDown();
});

test('per-key exponential backoff grows, caps, and resets on forget', () => {
  const rl = new ItemExponentialRateLimiter<string>(5, 1000);
  const delays = Array.from({ length: 10 }, () => rl.when('k'));
  assert.deepEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
  assert.equal(rl.when('other'), 5);
  assert.equal(rl.numRequeues('k'), 10);
  rl.forget('k');
  assert.equal(rl.numRequeues('k'), 0);
  assert.equal(rl.when('k'), 5);
  // default cap of 1000 s even after many failures
  const big = new ItemExponentialRateLimiter<string>();
  let d = 0;
  for (let i = 0; i < 100; i++) d = big.when('x');
  assert.equal(d, 1_000_000);
});

test('addRateLimited delays the key and counts requeues', async () => {
  const q = new RateLimitingQueue({ baseDelayMs: 20 });
  q.addRateLimited('a');
  assert.equal(q.numRequeues('a'), 1);
  assert.equal(q.len(), 0);
  const start = Date.now();
  assert.equal(await q.get(), 'a');
  assert.ok(Date.now() - start >= 15, 'waited for the backoff');
  q.done('a');
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  q.shutDown();
});

test('addAfter keeps the earliest deadline per key', async () => {
  const q = new RateLimitingQueue();
  q.addAfter('a', 5000);
  q.addAfter('a', 10);
  q.addAfter('a', 3000);
  await tick(40);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  await tick(20);
  assert.equal(q.len(), 0);
  q.shutDown(); // clears the (now stale) timers too
});

test('shutDown drains queued keys, then get resolves undefined; later adds are ignored', async () => {
  const q = new RateLimitingQueue();
  const idle = new RateLimitingQueue();
  const waiting = idle.get();
  idle.shutDown();
  assert.equal(await waiting, undefined);

  q.add('a');
  q.add('b');
  q.addAfter('c', 10_000);
  q.shutDown();
  q.add('d');
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(await q.get(), undefined);
  assert.equal(q.isShuttingDown(), true);
});

test('runWorkers: retries failures with backoff, forgets on success, never rejects', async () => {
  const q = new RateLimitingQueue({ baseDelayMs: 1 });
  const attempts = new Map<string, number>();
  let concurrent = 0;
  let maxConcurrent = 0;
  const ctl = new AbortController();
  const warnings: string[] = [];
  const logger = {
    debug: () => {},
    info: () => {},
    warn: (o: Record<string, unknown>) => warnings.push(String(o.key)),
    error: () => {},
  };
  let finished = 0;
  const allDone = new Promise<void>((resolve) => {
    const workers = runWorkers(
      q,
      3,
      async (key) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await tick(1);
        concurrent--;
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        if (key === 'flaky' && n < 3) throw new Error('boom');
        if (key === 'sync-throw' && n < 2) throw new Error('sync boom');
        finished++;
        if (finished === 4) resolve();
      },
      { logger, signal: ctl.signal },
    );
    void workers.then(() => undefined);
  });
  for (const k of ['a', 'b', 'flaky', 'sync-throw']) q.add(k);
  await allDone;
  await tick(5); // let the last worker call forget/done
  assert.equal(attempts.get('flaky'), 3);
  assert.equal(attempts.get('sync-throw'), 2);
  assert.equal(attempts.get('a'), 1);
  assert.equal(q.numRequeues('flaky'), 0, 'forgotten after success');
  assert.ok(maxConcurrent <= 3);
  assert.deepEqual(warnings.sort(), ['flaky', 'flaky', 'sync-throw']);
  ctl.abort();
  assert.equal(await q.get(), undefined);
});

test('runWorkers resolves after shutdown and drops keys past maxRetries', async () => {
  const q = new RateLimitingQueue({ baseDelayMs: 1 });
  let calls = 0;
  const errors: unknown[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (o: Record<string, unknown>) => errors.push(o.key) };
  const run = runWorkers(
    q,
    2,
    async () => {
      calls++;
      throw new Error('always');
    },
    { logger, maxRetries: 2 },
  );
  q.add('x');
  while (errors.length === 0) await tick(2);
  assert.equal(calls, 3);
  assert.deepEqual(errors, ['x']);
  q.shutDown();
  await run;
});
