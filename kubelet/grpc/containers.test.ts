import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickContainer, podFilters, type ContainerSummary } from './containers.js';

const c = (id: string, state: string, restart: number, created: number): ContainerSummary => ({
  id, state, created, labels: { 'io.kubernetes.container.restartCount': String(restart) },
});

test('current is the running instance, previous the newest exited one before it', () => {
  const list = [c('a', 'exited', 0, 100), c('b', 'exited', 1, 200), c('d', 'running', 2, 300)];
  assert.equal(pickContainer(list, false)?.id, 'd');
  assert.equal(pickContainer(list, true)?.id, 'b');
});

test('without a running instance the newest is current', () => {
  const list = [c('a', 'exited', 0, 100), c('b', 'exited', 1, 200)];
  assert.equal(pickContainer(list, false)?.id, 'b');
  assert.equal(pickContainer(list, true)?.id, 'a');
});

test('no previous instance, no containers', () => {
  assert.equal(pickContainer([c('a', 'running', 0, 1)], true), undefined);
  assert.equal(pickContainer([], false), undefined);
  assert.equal(pickContainer([], true), undefined);
});

test('restart count orders before creation time (clock skew between restarts)', () => {
  const list = [c('old', 'exited', 3, 500), c('new', 'exited', 4, 400)];
  assert.equal(pickContainer(list, false)?.id, 'new');
});

test('filters name the node, pod and container by label', () => {
  assert.deepEqual(podFilters({ nodeName: 'n1', namespace: 'ns', pod: 'p', podUid: 'u' }, 'c').label, [
    'io.kubelite.node=n1', 'io.kubernetes.pod.namespace=ns', 'io.kubernetes.pod.name=p', 'io.kubernetes.pod.uid=u',
    'io.kubernetes.container.name=c',
  ]);
  assert.equal(podFilters({ nodeName: 'n1', namespace: 'ns', pod: 'p' }).label.length, 3);
});
