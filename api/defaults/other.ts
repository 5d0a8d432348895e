// Defaulting for autoscaling, storage.k8s.io and RBAC.
import type { Obj } from './util.js';
import { ensureObj, isObj, objs, setDefault, setDefaultString } from './util.js';

export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_RULES = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

// No stabilizationWindowSeconds: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
const SCALE_DOWN_RULES = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** copyHPAScalingRules: the user's non-nil fields over the defaults. */
function scalingRules(user: unknown, defaults: Obj): Obj {
  const out = structuredClone(defaults);
  if (isObj(user)) for (const [k, v] of Object.entries(user)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

export function defaultHorizontalPodAutoscaler(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (obj.apiVersion === 'autoscaling/v1') return;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = scalingRules(spec.behavior.scaleUp, SCALE_UP_RULES);
    spec.behavior.scaleDown = scalingRules(spec.behavior.scaleDown, SCALE_DOWN_RULES);
  }
}

export function defaultStorageClass(obj: Obj): void {
  setDefaultString(obj, 'reclaimPolicy', 'Delete');
  setDefaultString(obj, 'volumeBindingMode', 'Immediate');
}

/** Users and groups live in the RBAC API group; service accounts in the core one. */
export function defaultRoleBinding(obj: Obj): void {
  const ref = ensureObj(obj, 'roleRef');
  setDefaultString(ref, 'apiGroup', 'rbac.authorization.k8s.io');
  for (const s of objs(obj.subjects)) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
  }
}
