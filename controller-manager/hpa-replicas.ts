// Kubernetes' HPA replica calculator (podautoscaler/replica_calculator.go) as pure
// functions: from the pods a scale target selects, their requests and their
// metrics.k8s.io usage, the replica count a resource metric asks for. Pods that
// are not ready or have no metrics are counted conservatively, so a missing
// sample never makes the autoscaler overreact in either direction.
import { Quantity } from '../api/quantity.js';
import type { Pod } from '../api/types/index.js';

/** One pod's usage of a resource, in milli-units (millicores, millibytes). */
export interface PodMetric {
  value: number;
  timestampMs: number;
  windowMs: number;
}

/** Usage by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorConfig {
  /** relative change below which the replica count stays (--horizontal-pod-autoscaler-tolerance) */
  tolerance: number;
  /** a pod younger than this may still be warming up its CPU (--horizontal-pod-autoscaler-cpu-initialization-period) */
  cpuInitializationPeriodMs: number;
  /** readiness flaps this soon after start are ignored (--horizontal-pod-autoscaler-initial-readiness-delay) */
  delayOfInitialReadinessStatusMs: number;
}

export const DEFAULT_CALCULATOR_CONFIG: CalculatorConfig = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/**
 * groupPods: deleted and failed pods are ignored; pending ones are unready; pods
 * without a sample are missing; for CPU, a pod is unready while not Ready, or
 * during its initialization period until a full sample window has passed since
 * it became Ready.
 */
export function groupPods(pods: readonly Pod[], metrics: PodMetricsInfo, resource: string, cfg: CalculatorConfig, now: number): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = Date.parse(pod.status?.startTime ?? '');
      let unready: boolean;
      if (!ready || Number.isNaN(start)) {
        unready = true;
      } else {
        const transition = Date.parse(ready.lastTransitionTime ?? '') || 0;
        if (start + cfg.cpuInitializationPeriodMs > now) {
          unready = ready.status === 'False' || metric.timestampMs < transition + metric.windowMs;
        } else {
          unready = ready.status === 'False' && start + cfg.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/**
 * calculatePodRequests: each pod's summed request (milli) over its containers
 * (or the one named container) and restartable init containers. Throws when a
 * container lacks the request: utilization is then undefined.
 */
export function podRequests(pods: readonly Pod[], resource: string, container = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      if (q === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += Quantity.parse(String(q)).milliValue();
    }
    out.set(pod.metadata.name ?? '', sum);
  }
  return out;
}

export interface Utilization {
  ratio: number;
  /** percent of requests, truncated as Kubernetes' integer arithmetic does */
  utilization: number;
  /** average usage per pod, milli */
  rawAverage: number;
}

/** GetResourceUtilizationRatio over the pods that have both a request and a sample. */
export function utilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): Utilization {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

export interface ResourceProposal {
  replicas: number;
  utilization: number;
  rawAverage: number;
}

function withoutPods(metrics: PodMetricsInfo, names: Iterable<string>): PodMetricsInfo {
  const out = new Map(metrics);
  for (const n of names) out.delete(n);
  return out;
}

/**
 * GetResourceReplicas: replicas for an averageUtilization target. Within the
 * tolerance nothing changes; missing pods count as using 100% (or the target)
 * on a scale-down and 0% on a scale-up, unready pods 0% on a scale-up; if those
 * assumptions flip the direction or land within tolerance, nothing changes.
 */
export function resourceReplicas(
  currentReplicas: number, targetUtilization: number, resource: string, pods: readonly Pod[], metricsIn: PodMetricsInfo,
  cfg: CalculatorConfig, now: number, container = '',
): ResourceProposal {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, metricsIn, resource, cfg, now);
  const metrics = withoutPods(withoutPods(metricsIn, g.ignored), g.unready);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const requests = podRequests(pods, resource, container);
  const { ratio, utilization, rawAverage } = utilizationRatio(metrics, requests, targetUtilization);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= cfg.tolerance) return { replicas: currentReplicas, utilization, rawAverage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), utilization, rawAverage };
  }
  if (g.missing.size > 0) {
    const fallback = Math.max(100, targetUtilization);
    for (const name of g.missing) {
      if (ratio < 1) metrics.set(name, { value: Math.trunc(((requests.get(name) ?? 0) * fallback) / 100), timestampMs: 0, windowMs: 0 });
      else if (ratio > 1) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
  const next = utilizationRatio(metrics, requests, targetUtilization).ratio;
  if (Math.abs(1 - next) <= cfg.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) {
    return { replicas: currentReplicas, utilization, rawAverage };
  }
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) {
    return { replicas: currentReplicas, utilization, rawAverage };
  }
  return { replicas, utilization, rawAverage };
}

/** GetMetricUsageRatio: average usage over the target. */
function usageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

/**
 * GetRawResourceReplicas / calcPlainMetricReplicas: replicas for an averageValue
 * target (milli); missing pods count as using exactly the target on a scale-down.
 */
export function rawResourceReplicas(
  currentReplicas: number, targetUsage: number, resource: string, pods: readonly Pod[], metricsIn: PodMetricsInfo, cfg: CalculatorConfig, now: number,
): { replicas: number; usage: number } {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, metricsIn, resource, cfg, now);
  const metrics = withoutPods(withoutPods(metricsIn, g.ignored), g.unready);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = usageRatio(metrics, targetUsage);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= cfg.tolerance) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), usage };
  }
  for (const name of g.missing) metrics.set(name, { value: ratio < 1 ? targetUsage : 0, timestampMs: 0, windowMs: 0 });
  if (scaleUpWithUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestampMs: 0, windowMs: 0 });
  const next = usageRatio(metrics, targetUsage).ratio;
  if (Math.abs(1 - next) <= cfg.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return { replicas: currentReplicas, usage };
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, usage };
  return { replicas, usage };
}
