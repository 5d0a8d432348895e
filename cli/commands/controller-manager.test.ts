import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './controller-manager.js';

test('durations as Kubernetes flags write them', () => {
  assert.equal(parseDuration('40s'), 40_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', '40', 's', '5x', '1m 30s', '-3s']) assert.throws(() => parseDuration(bad), /invalid duration/, bad);
});
