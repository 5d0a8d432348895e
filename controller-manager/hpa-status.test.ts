import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HorizontalPodAutoscalerCondition } from '../api/types/index.js';
import { resourceMetricName, resourceMetricStatus, setCondition } from './hpa-status.js';

test('a condition keeps its transition time while its status holds; new types go last', () => {
  const cs: HorizontalPodAutoscalerCondition[] = [];
  setCondition(cs, 'AbleToScale', 'True', 'SucceededGetScale', 'm1', Date.parse('2024-05-01T12:00:00Z'));
  setCondition(cs, 'ScalingActive', 'True', 'ValidMetricFound', 'm2', Date.parse('2024-05-01T12:00:00Z'));
  setCondition(cs, 'AbleToScale', 'True', 'ReadyForNewScale', 'm3', Date.parse('2024-05-01T12:05:00Z'));
  assert.deepEqual(cs[0], { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'm3', lastTransitionTime: '2024-05-01T12:00:00Z' });
  setCondition(cs, 'AbleToScale', 'False', 'FailedGetScale', 'm4', Date.parse('2024-05-01T12:06:00Z'));
  assert.equal(cs[0].lastTransitionTime, '2024-05-01T12:06:00Z');
  assert.deepEqual(cs.map((c) => c.type), ['AbleToScale', 'ScalingActive']);
});

test('metric names and statuses read like Kubernetes', () => {
  assert.equal(resourceMetricName('cpu', true), 'cpu resource utilization (percentage of request)');
  assert.equal(resourceMetricName('memory', false), 'memory resource');
  assert.equal(resourceMetricName('cpu', true, 'app'), 'cpu container resource utilization (percentage of request)');
  assert.deepEqual(resourceMetricStatus('cpu', '', { averageUtilization: 85, averageValueMilli: 85 }),
    { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '85m', averageUtilization: 85 } } });
  assert.deepEqual(resourceMetricStatus('memory', 'app', { averageValueMilli: 12_627_968_000 }),
    { type: 'ContainerResource', containerResource: { name: 'memory', container: 'app', current: { averageValue: '12627968' } } });
});
