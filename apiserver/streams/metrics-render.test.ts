import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuQuantity, goDuration, memoryQuantity, metricsList, renderNodeMetrics, renderPodMetrics } from './metrics-render.js';
import { formatTime } from '../../api/time.js';

test('quantities are canonical like metrics-server output', () => {
  assert.equal(cpuQuantity(5_000_000), '5m');
  assert.equal(cpuQuantity(5_123_456), '5123456n');
  assert.equal(cpuQuantity(2_000_000_000), '2');
  assert.equal(cpuQuantity(0), '0');
  assert.equal(memoryQuantity(1234 * 1024), '1234Ki');
  assert.equal(memoryQuantity(64 * 1024 * 1024), '64Mi');
  assert.equal(memoryQuantity(1_234_567), '1234567');
});

test('durations print like Go', () => {
  assert.equal(goDuration(10), '10s');
  assert.equal(goDuration(1.0042), '1.004s');
  assert.equal(goDuration(0.25), '250ms');
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(90.5), '1m30.5s');
});

test('PodMetrics and NodeMetrics objects', () => {
  const now = Date.parse('2024-05-01T10:00:00.700Z');
  const pm = renderPodMetrics({
    namespace: 'default', name: 'web', uid: 'u', timestampMs: Date.parse('2024-05-01T09:59:59.100Z'), windowSeconds: 1.002,
    containers: [{ name: 'app', usage: { cpuNanoCores: 5_000_000, memoryWorkingSetBytes: 1234 * 1024 } }],
  }, { app: 'web' }, now);
  assert.deepEqual(pm, {
    kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: 'web' } },
    timestamp: '2024-05-01T09:59:59Z', window: '1.002s',
    containers: [{ name: 'app', usage: { cpu: '5m', memory: '1234Ki' } }],
  });
  const nm = renderNodeMetrics({ name: 'n1', timestampMs: now, windowSeconds: 0.5, usage: { cpuNanoCores: 250_000_000, memoryWorkingSetBytes: 2 ** 30 } }, undefined, now);
  assert.deepEqual(nm.usage, { cpu: '250m', memory: '1Gi' });
  assert.equal(nm.metadata.labels, undefined);
  assert.deepEqual(metricsList('NodeMetricsList', [nm]), { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [nm] });
  assert.equal(formatTime(0), '1970-01-01T00:00:00Z');
});
