import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime, nowTime } from './time.js';

test('nowTime: RFC 3339 at second precision, right for every second it is asked about', () => {
  assert.equal(nowTime(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02T03:04:05Z');
  assert.equal(nowTime(new Date('2026-01-02T03:04:05.999Z')), '2026-01-02T03:04:05Z');
  assert.equal(nowTime(new Date('2026-01-02T03:04:06.000Z')), '2026-01-02T03:04:06Z');
  assert.equal(nowTime(new Date('2026-01-02T03:04:05.001Z')), '2026-01-02T03:04:05Z', 'going back in time is not served from the cache');
  assert.equal(nowTime(new Date('1969-12-31T23:59:59.500Z')), '1969-12-31T23:59:59Z', 'before the epoch rounds down too');
  const now = nowTime();
  assert.match(now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(now) - Date.now()) < 2000);
  assert.throws(() => nowTime(new Date('not a date')), RangeError);
});

test('formatTime drops the milliseconds, as metav1.Time marshals', () => {
  assert.equal(formatTime(Date.UTC(2026, 10, 22, 17, 5, 9, 999)), '2026-11-22T17:05:09Z');
  assert.equal(formatTime(0), '1970-01-01T00:00:00Z');
  assert.equal(nowTime(new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 500))), '2026-01-01T00:00:00Z');
});
