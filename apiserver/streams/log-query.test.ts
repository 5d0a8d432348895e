import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { parseLogQuery } from './log-query.js';

test('kubectl logs options map onto a LogQuery', () => {
  assert.deepEqual(parseLogQuery(new URLSearchParams('container=app&follow=true&tailLines=5&timestamps=true&previous=true')), {
    container: 'app', follow: true, previous: true, timestamps: true, tailLines: 5, sinceSeconds: 0, sinceTime: '', limitBytes: 0,
  });
  assert.deepEqual(parseLogQuery(new URLSearchParams('')), {
    container: undefined, follow: false, previous: false, timestamps: false, tailLines: -1, sinceSeconds: 0, sinceTime: '', limitBytes: 0,
  });
  assert.equal(parseLogQuery(new URLSearchParams('sinceSeconds=60&limitBytes=10')).sinceSeconds, 60);
  assert.equal(parseLogQuery(new URLSearchParams('tailLines=0')).tailLines, 0);
});

test('bad numbers are 400s', () => {
  for (const q of ['tailLines=x', 'tailLines=-2', 'sinceSeconds=0', 'limitBytes=0', 'sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z', 'sinceTime=nope']) {
    assert.throws(() => parseLogQuery(new URLSearchParams(q)), (e: ApiError) => e.code === 400, q);
  }
});
