// HorizontalPodAutoscaler (v2 and v1) and the autoscaling/v1 Scale subresource.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { asArray, asRecord, child, forbidden, index, invalid, isRecord, nonNegative, notSupported, required, str } from './field.js';
import { pathSegmentName } from './meta.js';
import { parseQuantity } from './resources.js';
import { validateContainerResourceName } from './resources.js';

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, string> = {
  Object: 'object', Pods: 'pods', Resource: 'resource', ContainerResource: 'containerResource', External: 'external',
};
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const MAX_STABILIZATION_WINDOW = 3600;
const MAX_PERIOD_SECONDS = 1800;

/** ValidateCrossVersionObjectReference: kind and name, each safe as a URL path segment. */
function validateReference(raw: unknown, path: string): FieldError[] {
  const ref = asRecord(raw);
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (!v) errs.push(required(child(path, f)));
    else for (const msg of pathSegmentName(v, false)) errs.push(invalid(child(path, f), v, msg));
  }
  return errs;
}

function validateMetricIdentifier(raw: unknown, path: string): FieldError[] {
  const name = str(asRecord(raw).name);
  if (!name) return [required(child(path, 'name'), 'must specify a metric name')];
  return pathSegmentName(name, false).map((msg) => invalid(child(path, 'name'), name, msg));
}

function validateMetricTarget(raw: unknown, path: string): FieldError[] {
  const t = asRecord(raw);
  const errs: FieldError[] = [];
  if (!t.type) errs.push(required(child(path, 'type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(str(t.type))) {
    errs.push(invalid(child(path, 'type'), t.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  for (const f of ['value', 'averageValue']) {
    if (t[f] === undefined || t[f] === null) continue;
    if ((parseQuantity(t[f])?.sign() ?? 0) !== 1) errs.push(invalid(child(path, f), t[f], 'must be positive'));
  }
  if (typeof t.averageUtilization === 'number' && t.averageUtilization < 1) {
    errs.push(invalid(child(path, 'averageUtilization'), t.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateSource(kind: string, raw: Record<string, unknown>, path: string): FieldError[] {
  const target = asRecord(raw.target);
  const tp = child(path, 'target');
  const errs: FieldError[] = [];
  switch (kind) {
    case 'resource':
    case 'containerResource': {
      const name = str(raw.name);
      if (!name) errs.push(required(child(path, 'name'), 'must specify a resource name'));
      else errs.push(...validateContainerResourceName(name, child(path, 'name')));
      if (kind === 'containerResource' && !str(raw.container)) errs.push(required(child(path, 'container'), 'must specify a container'));
      errs.push(...validateMetricTarget(target, tp));
      if (target.averageUtilization === undefined && target.averageValue === undefined) {
        errs.push(required(child(tp, 'averageUtilization'), 'must set either a target raw value or a target utilization'));
      }
      if (target.averageUtilization !== undefined && target.averageValue !== undefined) {
        errs.push(forbidden(child(tp, 'averageValue'), 'may not set both a target raw value and a target utilization'));
      }
      return errs;
    }
    case 'pods':
      errs.push(...validateMetricIdentifier(raw.metric, child(path, 'metric')), ...validateMetricTarget(target, tp));
      if (target.averageValue === undefined) errs.push(required(child(tp, 'averageValue'), 'must specify a positive target averageValue'));
      return errs;
    case 'object':
      errs.push(...validateReference(raw.describedObject, child(path, 'describedObject')));
      errs.push(...validateMetricIdentifier(raw.metric, child(path, 'metric')), ...validateMetricTarget(target, tp));
      if (target.value === undefined && target.averageValue === undefined) {
        errs.push(required(child(tp, 'averageValue'), 'must set either a target value or averageValue'));
      }
      return errs;
    default:
      errs.push(...validateMetricIdentifier(raw.metric, child(path, 'metric')), ...validateMetricTarget(target, tp));
      if (target.value === undefined && target.averageValue === undefined) {
        errs.push(required(child(tp, 'averageValue'), 'must set either a target value for metric or a per-pod target'));
      }
      if (target.value !== undefined && target.averageValue !== undefined) {
        errs.push(forbidden(child(tp, 'value'), 'may not set both a target value for metric and a per-pod target'));
      }
      return errs;
  }
}

function validateMetricSpec(raw: unknown, path: string): FieldError[] {
  const m = asRecord(raw);
  const errs: FieldError[] = [];
  const type = str(m.type);
  if (!type) errs.push(required(child(path, 'type'), 'must specify a metric source type'));
  if (!METRIC_TYPES.includes(type)) errs.push(notSupported(child(path, 'type'), type, METRIC_TYPES));
  const present = Object.values(SOURCE_FIELD).filter((f) => isRecord(m[f]));
  if (present.length > 0) errs.push(...validateSource(present[0], m[present[0]] as Record<string, unknown>, child(path, present[0])));
  const expected = SOURCE_FIELD[type];
  if (expected && !isRecord(m[expected])) errs.push(required(child(path, expected), 'must populate information for the given metric source'));
  for (const f of present) {
    if (f !== expected) errs.push(forbidden(child(path, f), 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingRules(raw: unknown, path: string): FieldError[] {
  if (!isRecord(raw)) return [];
  const errs: FieldError[] = [];
  const w = raw.stabilizationWindowSeconds;
  if (typeof w === 'number' && w < 0) errs.push(invalid(child(path, 'stabilizationWindowSeconds'), w, 'must be greater than or equal to zero'));
  if (typeof w === 'number' && w > MAX_STABILIZATION_WINDOW) {
    errs.push(invalid(child(path, 'stabilizationWindowSeconds'), w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW}`));
  }
  if (raw.selectPolicy !== undefined && !SELECT_POLICIES.includes(String(raw.selectPolicy))) {
    errs.push(notSupported(child(path, 'selectPolicy'), raw.selectPolicy, SELECT_POLICIES));
  }
  const policies = asArray(raw.policies);
  if (policies.length === 0) errs.push(required(child(path, 'policies'), 'must specify at least one Policy'));
  policies.forEach((p0, i) => {
    const p = asRecord(p0);
    const pp = index(child(path, 'policies'), i);
    if (!POLICY_TYPES.includes(str(p.type))) errs.push(notSupported(child(pp, 'type'), p.type ?? '', POLICY_TYPES));
    if (typeof p.value !== 'number' || p.value <= 0) errs.push(invalid(child(pp, 'value'), p.value ?? 0, 'must be greater than zero'));
    const period = p.periodSeconds;
    if (typeof period !== 'number' || period <= 0) errs.push(invalid(child(pp, 'periodSeconds'), period ?? 0, 'must be greater than zero'));
    else if (period > MAX_PERIOD_SECONDS) errs.push(invalid(child(pp, 'periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** Replica bounds and target: common to v1 and v2. */
function validateBounds(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number' || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  if (typeof min === 'number' && typeof max === 'number' && max < min) {
    errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  }
  return errs;
}

export function validateHorizontalPodAutoscaler(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const errs = validateBounds(spec);
  const refErrs = validateReference(spec.scaleTargetRef, 'spec.scaleTargetRef');
  if (refErrs.length > 0) return [...errs, ...refErrs];
  if (obj.apiVersion === 'autoscaling/v1') {
    const t = spec.targetCPUUtilizationPercentage;
    if (typeof t === 'number' && t < 1) errs.push(invalid('spec.targetCPUUtilizationPercentage', t, 'must be greater than 0'));
    return errs;
  }
  // Like Kubernetes, later sections are only checked once the earlier ones pass.
  const metricErrs = asArray(spec.metrics).flatMap((m, i) => validateMetricSpec(m, index('spec.metrics', i)));
  if (metricErrs.length > 0) return [...errs, ...metricErrs];
  const behavior = asRecord(spec.behavior);
  return [...errs, ...validateScalingRules(behavior.scaleUp, 'spec.behavior.scaleUp'), ...validateScalingRules(behavior.scaleDown, 'spec.behavior.scaleDown')];
}

export function validateHorizontalPodAutoscalerStatus(obj: KubeObject): FieldError[] {
  const s = asRecord(obj.status);
  return [...nonNegative(s.currentReplicas, 'status.currentReplicas'), ...nonNegative(s.desiredReplicas, 'status.desiredReplicas')];
}

/** autoscaling/v1 Scale, as written through a `/scale` subresource. */
export function validateScale(obj: KubeObject): FieldError[] {
  return nonNegative(asRecord(obj.spec).replicas, 'spec.replicas');
}
