import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMBINED_PREFIX, EventCorrelator, Lru, type CorrelatorEvent } from './event-correlator.js';

const rs = (message: string, name = 'web-abc', reason = 'SuccessfulCreate'): CorrelatorEvent => ({
  source: { component: 'controller-manager', host: 'h' },
  involvedObject: { kind: 'ReplicaSet', namespace: 'default', name, uid: `uid-${name}`, apiVersion: 'apps/v1' },
  type: 'Normal', reason, message,
});

test('the 10th similar message about an object is combined, and later ones share its key', () => {
  const c = new EventCorrelator();
  const out = Array.from({ length: 12 }, (_, i) => c.correlate(rs(`Created pod: web-abc-${i}`), 1000 + i));
  for (const o of out.slice(0, 9)) assert.equal(o.aggregated, false);
  assert.equal(new Set(out.slice(0, 9).map((o) => o.key)).size, 9, 'distinct messages are distinct events');
  assert.deepEqual(out.slice(9).map((o) => o.aggregated), [true, true, true]);
  assert.equal(out[9].message, `${COMBINED_PREFIX}Created pod: web-abc-9`);
  assert.equal(new Set(out.slice(9).map((o) => o.key)).size, 1, 'one aggregate event is bumped');
  assert.ok(out.every((o) => o.send));
});

test('the same message repeated is one event (no aggregation), other objects and reasons are separate', () => {
  const c = new EventCorrelator();
  const same = Array.from({ length: 15 }, (_, i) => c.correlate(rs('FailedCreate: quota'), i));
  assert.ok(same.every((o) => !o.aggregated && o.key === same[0].key));
  assert.equal(c.correlate(rs('Created pod: x', 'other'), 20).aggregated, false);
  assert.notEqual(c.correlate(rs('m', 'web-abc', 'SuccessfulDelete'), 21).key, same[0].key);
});

test('aggregation starts over after the interval', () => {
  const c = new EventCorrelator({ maxIntervalMs: 600_000 });
  for (let i = 0; i < 9; i++) c.correlate(rs(`m${i}`), i);
  assert.equal(c.correlate(rs('m9'), 601_000).aggregated, false);
});

test('the spam filter lets a burst of 25 events per object through, then one per 5 minutes', () => {
  const c = new EventCorrelator();
  const sent = Array.from({ length: 40 }, (_, i) => c.correlate(rs(`m${i}`), 1000).send);
  assert.equal(sent.filter(Boolean).length, 25);
  assert.deepEqual(sent.slice(24, 27), [true, false, false]);
  assert.equal(c.correlate(rs('x', 'another'), 1000).send, true, 'other objects have their own bucket');
  assert.equal(c.correlate(rs('late'), 1000 + 299_000).send, false);
  assert.equal(c.correlate(rs('later'), 1000 + 301_000).send, true);
  assert.equal(c.correlate(rs('again'), 1000 + 302_000).send, false);
});

test('Lru: a read refreshes an entry; beyond the limit the least recently used one goes', () => {
  const lru = new Lru<number>(3);
  lru.set('a', 1); lru.set('b', 2); lru.set('c', 3);
  assert.equal(lru.get('a'), 1);
  lru.set('d', 4);
  assert.equal(lru.size, 3);
  assert.equal(lru.get('b'), undefined, 'b was the least recently used');
  assert.deepEqual([lru.get('a'), lru.get('c'), lru.get('d')], [1, 3, 4]);
  lru.delete('c');
  assert.equal(lru.get('c'), undefined);
  assert.equal(lru.size, 2);
});
