import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexFieldOf, pinnedValue, WatcherIndex } from './watch-index.js';

test('pinnedValue: a single equality term on the field pins the watch', () => {
  assert.equal(pinnedValue('spec.nodeName=n1', 'spec.nodeName'), 'n1');
  assert.equal(pinnedValue('spec.nodeName==n1,status.phase!=Failed', 'spec.nodeName'), 'n1');
  assert.equal(pinnedValue('spec.nodeName=', 'spec.nodeName'), '', 'unscheduled pods have nodeName ""');
  assert.equal(pinnedValue('spec.nodeName!=n1', 'spec.nodeName'), undefined);
  assert.equal(pinnedValue('status.phase=Running', 'spec.nodeName'), undefined);
  assert.equal(pinnedValue('spec.nodeName=a,spec.nodeName=b', 'spec.nodeName'), undefined);
  assert.equal(pinnedValue(undefined, 'spec.nodeName'), undefined);
  assert.equal(pinnedValue('metadata.name=node-1', indexFieldOf('Node')), 'node-1');
  assert.equal(indexFieldOf('Pod'), 'spec.nodeName');
});

test('candidates: unpinned watchers always, pinned ones only for the old or new value', () => {
  const idx = new WatcherIndex<string>();
  idx.add('all', undefined);
  idx.add('kubelet-a', 'a');
  idx.add('kubelet-b', 'b');
  idx.add('kubelet-b2', 'b');
  idx.add('unscheduled', '');
  assert.equal(idx.size, 5);
  assert.equal(idx.hasPinned, true);
  assert.deepEqual([...idx.candidates(undefined, 'a')].sort(), ['all', 'kubelet-a']);
  assert.deepEqual([...idx.candidates('', 'b')].sort(), ['all', 'kubelet-b', 'kubelet-b2', 'unscheduled'], 'binding moves a pod from "" to b');
  assert.deepEqual([...idx.candidates('c', 'c')], ['all']);
  assert.deepEqual([...idx.candidates('a', 'a')].sort(), ['all', 'kubelet-a'], 'no duplicates when the value stays');
  idx.delete('kubelet-b', 'b');
  idx.delete('kubelet-b2', 'b');
  idx.delete('nobody', 'b');
  assert.equal(idx.size, 3);
  assert.deepEqual([...idx.candidates(undefined, 'b')], ['all']);
  assert.deepEqual([...idx.all()].sort(), ['all', 'kubelet-a', 'unscheduled']);
});
