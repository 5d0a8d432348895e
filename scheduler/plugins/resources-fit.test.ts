import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { fitsRequest, resourcesFitFilter } from './resources-fit.js';

test('fits when requests are within what is left', () => {
  const node = makeNodeInfo('n', { cpu: '2', memory: '4Gi' });
  node.addPod(makePodInfo('a', { cpu: '1500m', memory: '1Gi' }));
  assert.deepEqual(fitsRequest(makePodInfo('p', { cpu: '500m' }).requests, node), []);
  assert.deepEqual(fitsRequest(makePodInfo('p', { cpu: '501m' }).requests, node), ['Insufficient cpu']);
  assert.deepEqual(fitsRequest(makePodInfo('p', { cpu: '1', memory: '4Gi' }).requests, node), ['Insufficient cpu', 'Insufficient memory']);
});

test('assumed pods count like bound ones', () => {
  const node = makeNodeInfo('n', { cpu: '1' });
  const f = resourcesFitFilter.prepare(makePodInfo('p', { cpu: '600m' }))!;
  assert.equal(f(node), undefined);
  node.addPod(makePodInfo('assumed', { cpu: '600m' }));
  assert.deepEqual(f(node), ['Insufficient cpu']);
});

test('pod count against allocatable pods, even for pods without requests', () => {
  const node = makeNodeInfo('n', { pods: '2' });
  node.addPod(makePodInfo('a'));
  assert.equal(resourcesFitFilter.prepare(makePodInfo('p'))!(node), undefined);
  node.addPod(makePodInfo('b'));
  assert.deepEqual(resourcesFitFilter.prepare(makePodInfo('p'))!(node), ['Too many pods']);
});

test('init containers count with their effective request', () => {
  const node = makeNodeInfo('n', { cpu: '1' });
  const pod = makePodInfo('p', {
    containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }],
    initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }],
  });
  assert.deepEqual(fitsRequest(pod.requests, node), ['Insufficient cpu']);
});

test('extended resources must be allocatable', () => {
  const pod = makePodInfo('p', { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '1' } } }] });
  assert.deepEqual(fitsRequest(pod.requests, makeNodeInfo('n')), ['Insufficient example.com/gpu']);
  assert.deepEqual(fitsRequest(pod.requests, makeNodeInfo('g', { extra: { 'example.com/gpu': '2' } })), []);
});
