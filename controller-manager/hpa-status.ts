// HPA status bookkeeping: conditions that keep their transition time while their
// status holds (setConditionInList), the metric status entries, and the message
// texts Kubernetes uses, so `kubectl describe hpa` reads the same.
import { Quantity } from '../api/quantity.js';
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricStatus } from '../api/types/index.js';
import { semanticEqual } from './pod-template-hash.js';
import { formatTime } from '../api/time.js';

/** Sets a condition in place; lastTransitionTime changes only when the status does. A new type goes last. */
export function setCondition(conditions: HorizontalPodAutoscalerCondition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): void {
  let c = conditions.find((x) => x.type === type);
  if (!c) {
    c = { type, status };
    conditions.push(c);
    c.lastTransitionTime = formatTime(now);
  } else if (c.status !== status) {
    c.lastTransitionTime = formatTime(now);
  }
  c.status = status;
  c.reason = reason;
  c.message = message;
}

/** The metric name used in events and conditions, e.g. `cpu resource utilization (percentage of request)`. */
export function resourceMetricName(resource: string, utilization: boolean, container = ''): string {
  if (!utilization) return `${resource} resource`;
  return container ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
}

/** currentMetrics entry for a Resource or ContainerResource metric. */
export function resourceMetricStatus(resource: string, container: string, current: { averageUtilization?: number; averageValueMilli: number }): MetricStatus {
  const value = { averageValue: Quantity.fromMilli(current.averageValueMilli, 'DecimalSI').toString(), ...(current.averageUtilization !== undefined ? { averageUtilization: current.averageUtilization } : {}) };
  return container
    ? { type: 'ContainerResource', containerResource: { name: resource, container, current: value } }
    : { type: 'Resource', resource: { name: resource, current: value } };
}

/** The zero MetricStatus Kubernetes leaves for a metric it could not read (printed `<unknown>`). */
export function unknownMetricStatus(): MetricStatus {
  return { type: '' as MetricStatus['type'] };
}

export function hpaStatusEqual(a: HorizontalPodAutoscalerStatus | undefined, b: HorizontalPodAutoscalerStatus): boolean {
  return semanticEqual(a ?? {}, b);
}
