// HorizontalPodAutoscaler rows: a port of printHorizontalPodAutoscaler and
// formatHPAMetrics. Kubernetes prints from the internal (v2-shaped) object whatever
// version was asked for, so autoscaling/v1 objects are first read as v2 metrics.

import type { KubeObject } from '../../api/meta.js';
import { at, has, list, num, optNum, optStr, str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

const MAX_METRICS = 2;

interface Metrics {
  specs: unknown[];
  statuses: unknown[];
}

/** autoscaling/v1 carries one CPU target; express it the way v1→internal conversion does. */
function metricsOf(hpa: KubeObject): Metrics {
  if (has(hpa.spec, 'metrics') || !has(hpa.spec, 'targetCPUUtilizationPercentage')) {
    return { specs: list(hpa.spec, 'metrics'), statuses: list(hpa.status, 'currentMetrics') };
  }
  const target = num(hpa.spec, 'targetCPUUtilizationPercentage');
  const current = optNum(hpa.status, 'currentCPUUtilizationPercentage');
  return {
    specs: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }],
    statuses:
      current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }],
  };
}

/** Go's (*Quantity).String(): a nil quantity prints `<nil>`. */
function quantity(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '<nil>';
}

function percent(value: unknown): string | undefined {
  return typeof value === 'number' ? `${value}%` : undefined;
}

/** `current/target (avg)` forms for External and Object metrics. */
function valueOrAverage(source: unknown, status: unknown): string {
  if (has(source, 'target', 'averageValue')) {
    const current = has(status) && has(status, 'current', 'averageValue') ? quantity(at(status, 'current', 'averageValue')) : '<unknown>';
    return `${current}/${quantity(at(source, 'target', 'averageValue'))} (avg)`;
  }
  const current = has(status) ? quantity(at(status, 'current', 'value')) : '<unknown>';
  return `${current}/${quantity(at(source, 'target', 'value'))}`;
}

/** `cpu: 85%/50%` or `memory: 100Mi/200Mi` for Resource and ContainerResource metrics. */
function resourceMetric(source: unknown, status: unknown): string {
  const name = str(source, 'name');
  if (has(source, 'target', 'averageValue')) {
    const current = has(status) ? quantity(at(status, 'current', 'averageValue')) : '<unknown>';
    return `${name}: ${current}/${quantity(at(source, 'target', 'averageValue'))}`;
  }
  const current = (has(status) && percent(at(status, 'current', 'averageUtilization'))) || '<unknown>';
  const target = percent(at(source, 'target', 'averageUtilization')) ?? '<auto>';
  return `${name}: ${current}/${target}`;
}

function formatMetric(spec: unknown, status: unknown): string {
  switch (str(spec, 'type')) {
    case 'External':
      return valueOrAverage(at(spec, 'external'), at(status, 'external'));
    case 'Pods': {
      const current = has(status, 'pods') ? quantity(at(status, 'pods', 'current', 'averageValue')) : '<unknown>';
      return `${current}/${quantity(at(spec, 'pods', 'target', 'averageValue'))}`;
    }
    case 'Object':
      return valueOrAverage(at(spec, 'object'), at(status, 'object'));
    case 'Resource':
      return resourceMetric(at(spec, 'resource'), at(status, 'resource'));
    case 'ContainerResource':
      return resourceMetric(at(spec, 'containerResource'), at(status, 'containerResource'));
    default:
      return '<unknown type>';
  }
}

/** Statuses are matched to specs by position, as Kubernetes does. */
export function formatHPAMetrics(hpa: KubeObject): string {
  const { specs, statuses } = metricsOf(hpa);
  if (specs.length === 0) return '<none>';
  const all = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  const joined = all.slice(0, MAX_METRICS).join(', ');
  return all.length > MAX_METRICS ? `${joined} + ${all.length - MAX_METRICS} more...` : joined;
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    NAME,
    col('Reference', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
    col('Targets', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    col('MinPods', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    col('MaxPods', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
    AGE,
  ],
  cells(hpa, now) {
    const minReplicas = optNum(hpa.spec, 'minReplicas');
    return [
      hpa.metadata.name ?? '',
      `${optStr(hpa.spec, 'scaleTargetRef', 'kind') ?? ''}/${optStr(hpa.spec, 'scaleTargetRef', 'name') ?? ''}`,
      formatHPAMetrics(hpa),
      minReplicas === undefined ? '<unset>' : String(minReplicas),
      num(hpa.spec, 'maxReplicas'),
      num(hpa.status, 'currentReplicas'),
      translateTimestampSince(hpa.metadata.creationTimestamp, now),
    ];
  },
};
