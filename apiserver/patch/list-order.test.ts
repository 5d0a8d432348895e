import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderAppliedList, orderMergedList } from './list-order.js';

const id = (v: unknown): string | undefined => JSON.stringify(v);

test('strategic merge order: patch order wins, server-only items interleave by server position', () => {
  assert.deepEqual(orderMergedList(['a', 'x', 'b', 'c'], ['a', 'b', 'c'], ['a', 'x', 'b'], id), ['a', 'x', 'b', 'c']);
  assert.deepEqual(orderMergedList(['a', 'b'], ['b', 'a'], ['a', 'b'], id), ['b', 'a']);
  // Items new to the server sort before server-only ones, exactly like apimachinery's mergeSortedSlice.
  assert.deepEqual(orderMergedList(['a', 'b', 'n'], ['n'], ['a', 'b'], id), ['n', 'a', 'b']);
});

test('apply order: live-only items stay put, new applied items go before the next shared item or last', () => {
  assert.deepEqual(orderAppliedList(['a', 'b', 'c'], ['c'], ['a', 'b'], id), ['a', 'b', 'c']);
  assert.deepEqual(orderAppliedList(['x', 'c'], ['c', 'x'], ['x'], id), ['c', 'x']);
  assert.deepEqual(orderAppliedList(['a', 'x', 'b', 'c'], ['x', 'c'], ['a', 'x', 'b'], id), ['a', 'x', 'b', 'c']);
  assert.deepEqual(orderAppliedList(['a', 'b'], ['b', 'a'], ['a', 'b'], id), ['b', 'a']);
});
