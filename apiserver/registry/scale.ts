// The autoscaling/v1 Scale view of a workload (deployments/replicasets/statefulsets/scale).
import type { KubeObject, LabelSelector } from '../../api/meta.js';
import { labelSelectorToString } from '../../api/labels.js';

export function scaleSelector(obj: KubeObject): string {
  const spec = (obj.spec ?? {}) as { selector?: LabelSelector | Record<string, string> };
  const sel = spec.selector;
  if (!sel) return '';
  // ReplicationController selectors are plain maps
  if (!('matchLabels' in sel) && !('matchExpressions' in sel)) return labelSelectorToString({ matchLabels: sel as Record<string, string> });
  return labelSelectorToString(sel as LabelSelector);
}

export function toScale(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: scaleSelector(obj) },
  };
}
