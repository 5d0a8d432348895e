import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, podMetricsInfo } from './hpa-metrics.js';

test('Go durations as metrics.k8s.io writes windows', () => {
  assert.equal(parseGoDuration('1.004s'), 1004);
  assert.equal(parseGoDuration('30s'), 30_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1m0.5s'), 60_500);
  assert.equal(parseGoDuration(''), 0);
  assert.equal(parseGoDuration('soon'), 0);
});

test('a pod is the sum of its containers; a container without the resource drops the pod; or one named container', () => {
  const items = [
    { metadata: { name: 'a' }, timestamp: '2024-05-01T12:00:00Z', window: '1.5s', containers: [{ name: 'app', usage: { cpu: '150m', memory: '10Mi' } }, { name: 'side', usage: { cpu: '5123456n', memory: '1Mi' } }] },
    { metadata: { name: 'b' }, containers: [{ name: 'app', usage: { memory: '1Mi' } }] },
    { metadata: { name: 'c' }, containers: [] },
  ];
  const cpu = podMetricsInfo(items, 'cpu');
  assert.deepEqual([...cpu.keys()], ['a']);
  assert.deepEqual(cpu.get('a'), { value: 156, timestampMs: Date.parse('2024-05-01T12:00:00Z'), windowMs: 1500 }, 'nanocores round up to millicores');
  assert.equal(podMetricsInfo(items, 'memory').get('a')?.value, 11 * 1024 * 1024 * 1000);
  assert.deepEqual([...podMetricsInfo(items, 'cpu', 'app').keys()], ['a']);
  assert.equal(podMetricsInfo(items, 'cpu', 'app').get('a')?.value, 150);
  assert.equal(podMetricsInfo(items, 'memory', 'app').get('b')?.value, 1024 * 1024 * 1000);
});
