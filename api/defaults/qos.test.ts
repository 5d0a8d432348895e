import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from '../types/core.js';
import { podQOSClass } from './qos.js';

function spec(...resources: object[]): PodSpec {
  return { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })) };
}

test('BestEffort: no cpu/memory requests or limits anywhere', () => {
  assert.equal(podQOSClass(spec({}, {})), 'BestEffort');
  assert.equal(podQOSClass(spec({ limits: { 'example.com/gpu': '1' } })), 'BestEffort');
  assert.equal(podQOSClass(spec({ requests: { cpu: '0' } })), 'BestEffort');
});

test('Guaranteed: every container limits cpu and memory and requests equal limits', () => {
  const full = { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0.5', memory: '128Mi' } };
  assert.equal(podQOSClass(spec(full, full)), 'Guaranteed');
  assert.equal(podQOSClass(spec({ limits: { cpu: '1', memory: '1Gi' } })), 'Guaranteed');
});

test('Burstable: anything in between', () => {
  assert.equal(podQOSClass(spec({ requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(podQOSClass(spec({ limits: { cpu: '1', memory: '1Gi' } }, {})), 'Burstable');
  assert.equal(podQOSClass(spec({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })), 'Burstable');
  assert.equal(podQOSClass(spec({ limits: { cpu: '1' } })), 'Burstable');
  const withInit: PodSpec = { ...spec({ limits: { cpu: '1', memory: '1Gi' } }), initContainers: [{ name: 'i', image: 'x' }] };
  assert.equal(podQOSClass(withInit), 'Burstable');
});
