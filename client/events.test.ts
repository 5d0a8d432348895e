import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventName } from './events.js';

test('eventName: client-go style <object>.<UnixNano hex>, never repeating within the process', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) seen.add(eventName('web-1'));
  assert.equal(seen.size, 20_000);
  const name = eventName('web-1');
  const m = /^web-1\.([0-9a-f]+)$/.exec(name);
  assert.ok(m, name);
  const ms = Number(BigInt(`0x${m[1]}`) / 1_000_000n);
  assert.ok(Math.abs(ms - Date.now()) < 5000, `the suffix is the time in ns (${ms})`);
  assert.ok(eventName('web-1') > name || eventName('web-1').length > name.length, 'increasing');
});
