// Pod QoS class, computed like pkg/apis/core/helper/qos.ComputePodQOS.
import { Quantity } from '../quantity.js';
import type { Container, PodQOSClass, PodSpec } from '../types/core.js';

const QOS_RESOURCES = ['cpu', 'memory'];

function positive(v: unknown): Quantity | undefined {
  const q = typeof v === 'number' ? Quantity.tryParse(String(v)) : typeof v === 'string' ? Quantity.tryParse(v.trim()) : undefined;
  return q && q.sign() > 0 ? q : undefined;
}

function resourceMap(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * BestEffort: no cpu/memory request or limit anywhere. Guaranteed: every
 * container (init included) limits both cpu and memory, and every request
 * equals its limit. Burstable: anything in between.
 *
 * Kubernetes sums requests and limits over containers before comparing; since
 * validation keeps each request ≤ its limit, equal sums mean equal parts, so a
 * per-container comparison gives the same answer. A missing request counts as
 * equal to its limit, which is what defaulting a pod makes it.
 */
export function podQOSClass(spec: PodSpec): PodQOSClass {
  const containers: Container[] = [
    ...(Array.isArray(spec?.containers) ? spec.containers : []),
    ...(Array.isArray(spec?.initContainers) ? spec.initContainers : []),
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = resourceMap(c?.resources?.requests);
    const limits = resourceMap(c?.resources?.limits);
    for (const r of QOS_RESOURCES) {
      const req = positive(requests[r]);
      const lim = positive(limits[r]);
      if (req || lim) any = true;
      if (!lim) guaranteed = false;
      else if (r in requests ? !req || req.cmp(lim) !== 0 : false) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
