import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteLimit, dockerLogOptions } from './log-options.js';

const base = { follow: false, tailLines: -1, sinceSeconds: 0, sinceTime: '', timestamps: false };

test('defaults to every line, no since', () => {
  assert.deepEqual(dockerLogOptions(base, 0), { follow: false, stdout: true, stderr: true, timestamps: false });
});

test('tailLines 0 is kept (no lines), sinceSeconds is relative to now', () => {
  const o = dockerLogOptions({ ...base, tailLines: 0, sinceSeconds: 10, follow: true, timestamps: true }, 1_000_000);
  assert.equal(o.tail, 0);
  assert.equal(o.since, 990);
  assert.equal(o.follow, true);
  assert.equal(o.timestamps, true);
});

test('sinceTime is RFC 3339', () => {
  assert.equal(dockerLogOptions({ ...base, sinceTime: '2024-01-01T00:00:10Z' }, 0).since, 1704067210);
  assert.equal(dockerLogOptions({ ...base, sinceTime: 'garbage' }, 0).since, undefined);
});

test('limitBytes cuts the stream', () => {
  const l = new ByteLimit(5);
  assert.equal(l.take(Buffer.from('abc')).toString(), 'abc');
  assert.equal(l.take(Buffer.from('defg')).toString(), 'de');
  assert.equal(l.exhausted, true);
  assert.equal(l.take(Buffer.from('x')).length, 0);
  assert.equal(new ByteLimit(0).take(Buffer.from('abc')).length, 3);
});
