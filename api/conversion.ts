// Conversions between served versions of one stored kind. Only HorizontalPodAutoscaler
// is served at two versions (stored as autoscaling/v2; `kubectl autoscale` speaks v1).
import type { KubeObject } from './meta.js';

type Obj = Record<string, unknown>;
const CPU_ANNOTATION_PREFIX = 'autoscaling.alpha.kubernetes.io/';

export function convertObject(obj: KubeObject, toApiVersion: string): KubeObject {
  if (obj.kind !== 'HorizontalPodAutoscaler' || obj.apiVersion === toApiVersion) return obj;
  if (toApiVersion === 'autoscaling/v1') return hpaV2ToV1(obj);
  if (toApiVersion === 'autoscaling/v2') return hpaV1ToV2(obj);
  return obj;
}

export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Obj;
  const status = obj.status as Obj | undefined;
  const metrics: Obj[] = [];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const v2Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas, metrics };
  if (spec.minReplicas !== undefined) v2Spec.minReplicas = spec.minReplicas;
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: structuredClone(obj.metadata), spec: v2Spec };
  if (status) {
    const v2Status: Obj = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
    if (status.observedGeneration !== undefined) v2Status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime) v2Status.lastScaleTime = status.lastScaleTime;
    if (typeof status.currentCPUUtilizationPercentage === 'number') {
      v2Status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
    }
    out.status = v2Status;
  }
  return out;
}

export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Obj;
  const status = obj.status as Obj | undefined;
  const metrics = (spec.metrics ?? []) as Obj[];
  const v1Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v1Spec.minReplicas = spec.minReplicas;
  const metadata = structuredClone(obj.metadata);
  for (const m of metrics) {
    const res = m.resource as Obj | undefined;
    const target = res?.target as Obj | undefined;
    if (m.type === 'Resource' && res?.name === 'cpu' && target?.type === 'Utilization') {
      v1Spec.targetCPUUtilizationPercentage = target.averageUtilization;
    }
  }
  const otherMetrics = metrics.filter((m) => !(m.type === 'Resource' && (m.resource as Obj | undefined)?.name === 'cpu'));
  if (otherMetrics.length) {
    metadata.annotations = { ...(metadata.annotations ?? {}), [`${CPU_ANNOTATION_PREFIX}metrics`]: JSON.stringify(otherMetrics) };
  }
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: v1Spec };
  if (status) {
    const v1Status: Obj = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
    if (status.observedGeneration !== undefined) v1Status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime) v1Status.lastScaleTime = status.lastScaleTime;
    for (const m of (status.currentMetrics ?? []) as Obj[]) {
      const res = m.resource as Obj | undefined;
      const cur = res?.current as Obj | undefined;
      if (m.type === 'Resource' && res?.name === 'cpu' && typeof cur?.averageUtilization === 'number') {
        v1Status.currentCPUUtilizationPercentage = cur.averageUtilization;
      }
    }
    out.status = v1Status;
  }
  return out;
}
