import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromResourceList, podResourceRequests, DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST } from './resources.js';

const c = (name: string, requests?: Record<string, string>, restartPolicy?: 'Always') => ({
  name, resources: requests ? { requests } : undefined, restartPolicy,
});

test('fromResourceList converts cpu, memory and other resources to numbers, skipping pods', () => {
  const r = fromResourceList({ cpu: '1500m', memory: '1Gi', pods: '110', 'ephemeral-storage': '10G', 'example.com/gpu': '2' });
  assert.equal(r.milliCPU, 1500);
  assert.equal(r.memory, 1024 ** 3);
  assert.deepEqual(r.scalar, { 'ephemeral-storage': 10e9, 'example.com/gpu': 2 });
});

test('app containers add up', () => {
  const { requests } = podResourceRequests({ containers: [c('a', { cpu: '100m', memory: '64Mi' }), c('b', { cpu: '250m' })] });
  assert.equal(requests.milliCPU, 350);
  assert.equal(requests.memory, 64 * 1024 ** 2);
});

test('an init container larger than the app containers sets the effective request', () => {
  const { requests } = podResourceRequests({
    containers: [c('a', { cpu: '100m' }), c('b', { cpu: '100m' })],
    initContainers: [c('init1', { cpu: '1' }), c('init2', { cpu: '500m', memory: '1Gi' })],
  });
  assert.equal(requests.milliCPU, 1000);
  assert.equal(requests.memory, 1024 ** 3);
});

test('sidecars (restartable init containers) run alongside the app and later init containers', () => {
  const { requests } = podResourceRequests({
    containers: [c('app', { cpu: '200m' })],
    initContainers: [c('sidecar', { cpu: '300m' }, 'Always'), c('init', { cpu: '600m' })],
  });
  // app phase: 200 + 300 = 500; init phase: 600 + 300 sidecar = 900
  assert.equal(requests.milliCPU, 900);
});

test('overhead comes on top', () => {
  const { requests } = podResourceRequests({ containers: [c('a', { cpu: '100m' })], overhead: { cpu: '50m' } });
  assert.equal(requests.milliCPU, 150);
});

test('non-zero requests use defaults for containers without requests', () => {
  const r = podResourceRequests({ containers: [c('a'), c('b', { cpu: '1' })] });
  assert.equal(r.requests.milliCPU, 1000);
  assert.equal(r.requests.memory, 0);
  assert.equal(r.nonZeroCPU, 1000 + DEFAULT_MILLI_CPU_REQUEST);
  assert.equal(r.nonZeroMemory, 2 * DEFAULT_MEMORY_REQUEST);
});

test('a malformed quantity counts as zero instead of throwing', () => {
  assert.equal(fromResourceList({ cpu: 'lots' }).milliCPU, 0);
});
