import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'node:querystring';
import { stopTimeout } from './docker.js';

test('stopTimeout rounds a grace period up to whole seconds, never below 0', () => {
  assert.equal(stopTimeout(2), 2);
  assert.equal(stopTimeout(1.2), 2);
  assert.equal(stopTimeout(0), 0);
  assert.equal(stopTimeout(-3), 0);
});

test('stopTimeout never yields a value the query string would drop (Docker would then wait its 10 s default)', () => {
  // docker-modem builds the query with node:querystring, which turns a non-finite number into `t=`.
  assert.equal(stringify({ t: Number.NaN }), 't=');
  for (const g of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2.5]) {
    assert.match(stringify({ t: stopTimeout(g) }), /^t=\d+$/, String(g));
  }
});
