import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanDuration, translateTimestampSince } from './duration.js';
import { D, H, M, NOW, S, ago } from './testutil.js';

test('humanDuration matches apimachinery HumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [5 * M + 3 * S, '5m3s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 10 * M, '3h10m'],
    [8 * H + 59 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [9 * D, '9d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [2 * 365 * D + 34 * D, '2y34d'],
    [9 * 365 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('translateTimestampSince: <unknown> when unset or unparseable', () => {
  assert.equal(translateTimestampSince(undefined, NOW), '<unknown>');
  assert.equal(translateTimestampSince('', NOW), '<unknown>');
  assert.equal(translateTimestampSince('not a time', NOW), '<unknown>');
  assert.equal(translateTimestampSince(ago(5 * M + 3 * S), NOW), '5m3s');
});
