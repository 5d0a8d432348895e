// Admission defaults Kubernetes adds to every new pod (DefaultTolerationSeconds,
// ServiceAccount name, Priority).
import type { KubeObject } from '../../api/meta.js';

export interface PodAdmissionOptions {
  /** seconds a pod tolerates its node being not-ready/unreachable before eviction */
  defaultTolerationSeconds: number;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export function admitPod(pod: KubeObject, opts: PodAdmissionOptions = { defaultTolerationSeconds: 300 }): void {
  const spec = (pod.spec ??= {}) as { tolerations?: Toleration[]; serviceAccountName?: string; serviceAccount?: string; priority?: number };
  const tolerations = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = tolerations.some((t) =>
      (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute') &&
      ((t.operator === 'Exists' && (!t.key || t.key === key)) || t.key === key));
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: opts.defaultTolerationSeconds });
  }
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.priority ??= 0;
}
