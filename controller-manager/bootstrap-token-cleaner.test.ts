import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapTokenSecret } from '../api/bootstrap-token.js';
import { decideTokenCleanup } from './bootstrap-token-cleaner.js';

const now = Date.parse('2024-05-01T10:00:00Z');

test('an expired token is deleted, a live one rechecked at its expiry, an eternal one kept', () => {
  const expired = bootstrapTokenSecret('abcdef.0123456789abcdef', { ttlSeconds: 60, now: new Date(now - 61_000) });
  assert.deepEqual(decideTokenCleanup(expired, now), { action: 'delete' });
  const live = bootstrapTokenSecret('abcdef.0123456789abcdef', { ttlSeconds: 60, now: new Date(now) });
  assert.deepEqual(decideTokenCleanup(live, now), { action: 'recheck', afterMs: 60_100 });
  const long = bootstrapTokenSecret('abcdef.0123456789abcdef', { ttlSeconds: 30 * 86400, now: new Date(now) });
  assert.deepEqual(decideTokenCleanup(long, now), { action: 'recheck', afterMs: 3_600_000 });
  assert.deepEqual(decideTokenCleanup(bootstrapTokenSecret('abcdef.0123456789abcdef'), now), { action: 'keep' });
});

test('an unparsable expiration counts as expired; other secrets are never touched', () => {
  const s = bootstrapTokenSecret('abcdef.0123456789abcdef', { ttlSeconds: 60 });
  s.data = { ...s.data, expiration: Buffer.from('soon').toString('base64') };
  assert.deepEqual(decideTokenCleanup(s, now), { action: 'delete' });
  assert.deepEqual(decideTokenCleanup({ ...s, type: 'Opaque' }, now), { action: 'keep' });
  assert.deepEqual(decideTokenCleanup({ ...s, metadata: { ...s.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } }, now), { action: 'keep' });
});
