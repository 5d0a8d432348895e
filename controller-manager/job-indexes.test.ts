import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import {
  calculateSucceededIndexes, COMPLETION_INDEX_ANNOTATION, duplicatedIndexPods, firstPendingIndexes, formatIntervals, fromIndexes,
  getCompletionIndex, intervalsHas, intervalsTotal, parseIntervals, UNKNOWN_INDEX, withIndexes,
} from './job-indexes.js';

function pod(name: string, index?: number | string, phase = 'Running', extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    metadata: { name, uid: `uid-${name}`, annotations: index === undefined ? undefined : { [COMPLETION_INDEX_ANNOTATION]: String(index) }, ...extra },
    spec: { containers: [{ name: 'c' }], nodeName: 'n1' },
    status: { phase },
  } as Pod;
}

test('completion index: annotation, label fallback, garbage', () => {
  assert.equal(getCompletionIndex(pod('a', 3)), 3);
  assert.equal(getCompletionIndex(pod('b')), UNKNOWN_INDEX);
  assert.equal(getCompletionIndex(pod('c', 'x')), UNKNOWN_INDEX);
  assert.equal(getCompletionIndex(pod('d', '-1')), UNKNOWN_INDEX);
  assert.equal(getCompletionIndex(pod('e', undefined, 'Running', { labels: { [COMPLETION_INDEX_ANNOTATION]: '7' } })), 7);
});

test('intervals: format, parse, merge', () => {
  assert.equal(formatIntervals(fromIndexes([5, 0, 2, 3, 4, 9])), '0,2-5,9');
  assert.equal(formatIntervals(fromIndexes([])), '');
  assert.deepEqual(parseIntervals('0,2-5,9', 10), [[0, 0], [2, 5], [9, 9]]);
  // completions scaled down: out-of-range indexes drop
  assert.deepEqual(parseIntervals('0,2-5,9', 4), [[0, 0], [2, 3]]);
  // malformed parts are skipped
  assert.deepEqual(parseIntervals('1,x,5-3,7', 10), [[1, 1], [7, 7]]);
  const iv = withIndexes(parseIntervals('1,3', 10), [2, 4]);
  assert.equal(formatIntervals(iv), '1-4');
  assert.equal(intervalsTotal(iv), 4);
  assert.ok(intervalsHas(iv, 3));
  assert.ok(!intervalsHas(iv, 0));
  assert.ok(!intervalsHas(iv, 5));
});

test('succeeded indexes: status plus succeeded pods that still hold the finalizer', () => {
  const pods = [pod('a', 0, 'Succeeded'), pod('b', 2, 'Succeeded'), pod('c', 1, 'Running'), pod('d', 9, 'Succeeded'), pod('e', 3, 'Succeeded')];
  const holds = (p: Pod) => p.metadata.name !== 'e';
  const r = calculateSucceededIndexes('4', 5, pods, holds);
  assert.equal(formatIntervals(r.prev), '4');
  assert.equal(formatIntervals(r.all), '0,2,4');
});

test('first pending indexes skip succeeded and running ones, lowest first', () => {
  const active = [pod('a', 0), pod('b', 3), pod('c', 99)];
  assert.deepEqual(firstPendingIndexes(active, parseIntervals('1', 6), 2, 6), [2, 4]);
  assert.deepEqual(firstPendingIndexes(active, parseIntervals('1', 6), 10, 6), [2, 4, 5]);
  assert.deepEqual(firstPendingIndexes(active, [], 0, 6), []);
});

test('duplicated indexes: one pod per index stays, the most advanced; unknown and out-of-range go', () => {
  const pending = pod('p', 1, 'Pending');
  const running = { ...pod('r', 1, 'Running'), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } as Pod;
  const r = duplicatedIndexPods([pending, running, pod('x'), pod('y', 8), pod('z', 0)], 5);
  assert.deepEqual(r.remove.map((p) => p.metadata.name).sort(), ['p', 'x', 'y']);
  assert.deepEqual(r.keep.map((p) => p.metadata.name), ['z', 'r']);
});
