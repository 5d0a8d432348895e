// From the replica count the metrics ask for to the one the HPA sets (Kubernetes'
// podautoscaler/horizontal.go normalizeDesiredReplicas[WithBehaviors]): scale-down
// stabilization over recent recommendations, scale-rate limits (the legacy
// max(2x, 4) or spec.behavior's policies over their periods), and min/max.
// The history these need lives in HpaHistory; every function takes `now`.
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from '../api/types/index.js';

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

/** What the controller remembers per HPA between syncs (lost on restart, as in Kubernetes). */
export interface HpaMemory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export function newMemory(currentReplicas: number, now: number): HpaMemory {
  // recordInitialRecommendation: the current size counts as a recent recommendation.
  return { recommendations: [{ replicas: currentReplicas, at: now }], scaleUpEvents: [], scaleDownEvents: [] };
}

export interface ConditionChange {
  type: 'AbleToScale' | 'ScalingLimited';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  conditions: ConditionChange[];
}

/** Replaces the oldest expired sample or appends: the list stays as long as the window needs. */
function record(recs: Recommendation[], replicas: number, now: number, expired: (r: Recommendation) => boolean): void {
  let idx = -1;
  recs.forEach((r, i) => {
    if (expired(r)) idx = i;
  });
  const rec = { replicas, at: now };
  if (idx >= 0) recs[idx] = rec;
  else recs.push(rec);
}

// ---------------------------------------------------------------- without spec.behavior

const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

/** stabilizeRecommendation: the highest recommendation within the downscale window. */
export function stabilize(mem: HpaMemory, desired: number, windowMs: number, now: number): number {
  const cutoff = now - windowMs;
  let max = desired;
  for (const r of mem.recommendations) if (r.at >= cutoff && r.replicas > max) max = r.replicas;
  record(mem.recommendations, desired, now, (r) => r.at < cutoff);
  return max;
}

/** convertDesiredReplicasWithRules: min/max, and at most max(2x, 4) per step upwards. */
export function limitWithRules(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
  const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
  let maxAllowed: number;
  let reason: string;
  let message: string;
  if (max > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    reason = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maxAllowed = max;
    reason = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > maxAllowed) return { replicas: maxAllowed, reason, message };
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

export function normalizeLegacy(mem: HpaMemory, current: number, desired: number, min: number, max: number, downscaleWindowMs: number, now: number): Normalized {
  const conditions: ConditionChange[] = [];
  const stabilized = stabilize(mem, desired, downscaleWindowMs, now);
  conditions.push(stabilized !== desired
    ? { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
    : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
  const limited = limitWithRules(current, stabilized, min, max);
  conditions.push({ type: 'ScalingLimited', status: limited.replicas === stabilized ? 'False' : 'True', reason: limited.reason, message: limited.message });
  return { replicas: limited.replicas, conditions };
}

// ---------------------------------------------------------------- with spec.behavior

/** Behavior rules with every field the controller needs filled in. */
export interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: Array<{ type: 'Pods' | 'Percent'; value: number; periodSeconds: number }>;
}

const DEFAULT_UP: Rules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
};
const DEFAULT_DOWN_POLICIES: Rules['policies'] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

/**
 * The apiserver defaults behavior's rules when behavior is set; filled here too
 * so an object written before that (or by another server) works. A scale-down
 * window left unset is the controller's --horizontal-pod-autoscaler-downscale-stabilization.
 */
export function effectiveRules(behavior: HorizontalPodAutoscalerBehavior, downscaleWindowMs: number): { up: Rules; down: Rules } {
  const fill = (r: HPAScalingRules | undefined, d: Rules): Rules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy ?? d.selectPolicy,
    policies: r?.policies ?? d.policies,
  });
  return {
    up: fill(behavior.scaleUp, DEFAULT_UP),
    down: fill(behavior.scaleDown, { stabilizationWindowSeconds: Math.round(downscaleWindowMs / 1000), selectPolicy: 'Max', policies: DEFAULT_DOWN_POLICIES }),
  };
}

/**
 * stabilizeRecommendationWithBehaviors: the recommendation is kept between the
 * lowest one within the scale-up window and the highest within the scale-down
 * window, starting from the current size.
 */
export function stabilizeWithBehaviors(mem: HpaMemory, current: number, desired: number, up: Rules, down: Rules, now: number): { replicas: number; reason: string; message: string } {
  const upCutoff = now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - down.stabilizationWindowSeconds * 1000;
  let upRec = desired;
  let downRec = desired;
  for (const r of mem.recommendations) {
    if (r.at > upCutoff) upRec = Math.min(r.replicas, upRec);
    if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
  }
  let replicas = current;
  if (replicas < upRec) replicas = upRec;
  if (replicas > downRec) replicas = downRec;
  record(mem.recommendations, desired, now, (r) => r.at < upCutoff && r.at < downCutoff);
  return desired >= current
    ? { replicas, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
    : { replicas, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
}

function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let n = 0;
  for (const e of events) if (e.at > cutoff) n += e.change;
  return n;
}

/** calculateScaleUpLimitWithScalingRules: the most replicas the policies allow now. */
export function scaleUpLimit(current: number, upEvents: readonly ScaleEvent[], downEvents: readonly ScaleEvent[], rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(p.periodSeconds, upEvents, now) + changeInPeriod(p.periodSeconds, downEvents, now);
    // Rounded up so a small percentage can still add a pod.
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors: the fewest replicas the policies allow now. */
export function scaleDownLimit(current: number, upEvents: readonly ScaleEvent[], downEvents: readonly ScaleEvent[], rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(p.periodSeconds, upEvents, now) + changeInPeriod(p.periodSeconds, downEvents, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate. */
export function limitWithBehaviors(mem: HpaMemory, current: number, desired: number, min: number, max: number, up: Rules, down: Rules, now: number): { replicas: number; reason: string; message: string } {
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, mem.scaleUpEvents, mem.scaleDownEvents, up, now), current);
    if (max > limit) {
      if (desired > limit) return { replicas: limit, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
    } else if (desired > max) {
      return { replicas: max, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    }
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, mem.scaleUpEvents, mem.scaleDownEvents, down, now), current);
    if (min < limit) {
      if (desired < limit) return { replicas: limit, reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
    } else if (desired < min) {
      return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    }
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

export function normalizeWithBehaviors(
  mem: HpaMemory, behavior: HorizontalPodAutoscalerBehavior, current: number, desired: number, min: number, max: number, downscaleWindowMs: number, now: number,
): Normalized {
  const { up, down } = effectiveRules(behavior, downscaleWindowMs);
  const conditions: ConditionChange[] = [];
  const stabilized = stabilizeWithBehaviors(mem, current, desired, up, down, now);
  conditions.push(stabilized.replicas !== desired
    ? { type: 'AbleToScale', status: 'True', reason: stabilized.reason, message: stabilized.message }
    : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
  const limited = limitWithBehaviors(mem, current, stabilized.replicas, min, max, up, down, now);
  conditions.push({ type: 'ScalingLimited', status: limited.replicas === stabilized.replicas ? 'False' : 'True', reason: limited.reason, message: limited.message });
  return { replicas: limited.replicas, conditions };
}

/**
 * storeScaleEvent: remembers a rescale for the rate limits, reusing a slot that
 * fell out of the longest policy period. Only kept when spec.behavior is set.
 */
export function storeScaleEvent(mem: HpaMemory, behavior: HorizontalPodAutoscalerBehavior | undefined, prev: number, next: number, downscaleWindowMs: number, now: number): void {
  if (!behavior) return;
  const { up, down } = effectiveRules(behavior, downscaleWindowMs);
  const scalingUp = next > prev;
  const events = scalingUp ? mem.scaleUpEvents : mem.scaleDownEvents;
  const longest = Math.max(0, ...(scalingUp ? up : down).policies.map((p) => p.periodSeconds));
  const cutoff = now - longest * 1000;
  let idx = -1;
  events.forEach((e, i) => {
    if (e.at < cutoff) e.outdated = true;
    if (e.outdated) idx = i;
  });
  const ev = { change: Math.abs(next - prev), at: now, outdated: false };
  if (idx >= 0) events[idx] = ev;
  else events.push(ev);
}
