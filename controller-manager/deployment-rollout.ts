// The rollout arithmetic of the Deployment controller as pure functions over
// (deployment, new ReplicaSet, old ReplicaSets): how far the new ReplicaSet may
// grow, how far old ones may shrink, and how a scale change is spread over
// ReplicaSets mid-rollout. Ported from Kubernetes' rolling.go, recreate.go,
// sync.go and deployment_util.go; the controller only applies the results.
import type { Deployment, ReplicaSet } from '../api/types/index.js';
import type { IntOrString } from '../api/types/index.js';

export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** One ReplicaSet and the size it should get. */
export interface ScaleChange {
  rs: ReplicaSet;
  replicas: number;
}

// ---------------------------------------------------------------- counting

export function specReplicas(obj: { spec?: { replicas?: number } }): number {
  return obj.spec?.replicas ?? 1;
}

export function deploymentReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

type Maybe<T> = T | undefined | null;

function present(rss: Maybe<ReplicaSet>[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => !!rs);
}

/** Sum of spec.replicas: the pods the ReplicaSets are asked for. */
export function replicaCount(rss: Maybe<ReplicaSet>[]): number {
  return present(rss).reduce((n, rs) => n + specReplicas(rs), 0);
}

/** Sum of status.replicas: the pods that exist. */
export function actualReplicaCount(rss: Maybe<ReplicaSet>[]): number {
  return present(rss).reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(rss: Maybe<ReplicaSet>[]): number {
  return present(rss).reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(rss: Maybe<ReplicaSet>[]): number {
  return present(rss).reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
}

/** ReplicaSets asked for at least one pod. */
export function filterActive(rss: Maybe<ReplicaSet>[]): ReplicaSet[] {
  return present(rss).filter((rs) => specReplicas(rs) > 0);
}

// ---------------------------------------------------------------- ordering

function created(rs: ReplicaSet): number {
  const t = rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first; same second → by name (ReplicaSetsByCreationTimestamp). */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Largest first; ties: older first (ReplicaSetsBySizeOlder) — used when scaling down. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** Largest first; ties: newer first (ReplicaSetsBySizeNewer) — used when scaling up. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(b, a);
}

// ---------------------------------------------------------------- surge and unavailability

/**
 * An int, or a percentage of `total` rounded up (surge) or down (unavailable),
 * like intstr.GetScaledValueFromIntOrPercent.
 */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    if (/^-?\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(v)}`);
  }
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/**
 * maxSurge and maxUnavailable resolved against the desired replicas. Both zero
 * would freeze a rollout, so unavailable becomes 1 then (rounding down a percentage
 * can get there even though validation rejects explicit zeros).
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', deploymentReplicas(d));
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return fenceposts(d).surge;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

// ---------------------------------------------------------------- rolling update

/** How many replicas the new ReplicaSet may have now (NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, allRSs: Maybe<ReplicaSet>[], newRS: ReplicaSet): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const current = replicaCount(allRSs);
  const maxTotal = replicas + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/** The new ReplicaSet's next size, or undefined when it stays (reconcileNewReplicaSet). */
export function reconcileNewReplicaSet(d: Deployment, allRSs: Maybe<ReplicaSet>[], newRS: ReplicaSet): number | undefined {
  const want = deploymentReplicas(d);
  const have = specReplicas(newRS);
  if (have === want) return undefined;
  if (have > want) return want;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === have ? undefined : next;
}

/**
 * Which old ReplicaSets shrink and to what (reconcileOldReplicaSets): first the
 * unavailable pods of old ReplicaSets (they block progress and cost nothing to
 * remove), then available old pods as far as availability above
 * replicas − maxUnavailable allows, counting unavailable new pods as already missing.
 */
export function reconcileOldReplicaSets(d: Deployment, allRSs: Maybe<ReplicaSet>[], oldRSs: ReplicaSet[], newRS: Maybe<ReplicaSet>): ScaleChange[] {
  const active = filterActive(oldRSs);
  if (replicaCount(active) === 0) return [];
  const allPods = replicaCount(allRSs);
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const sizes = new Map<ReplicaSet, number>(active.map((rs) => [rs, specReplicas(rs)]));
  // Unhealthy first (cleanupUnhealthyReplicas), oldest ReplicaSet first.
  const oldest = [...active].sort(byCreationTimestamp);
  let cleaned = 0;
  for (const rs of oldest) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === available) continue;
    const n = Math.min(maxScaledDown - cleaned, size - available);
    if (n <= 0) continue;
    sizes.set(rs, size - n);
    cleaned += n;
  }
  // Then available pods (scaleDownOldReplicaSetsForRollingUpdate); availability comes from
  // the status, which the unhealthy cleanup did not change.
  const availableNow = availableReplicaCount([...active, newRS]);
  if (availableNow > minAvailable) {
    const total = availableNow - minAvailable;
    let scaled = 0;
    for (const rs of oldest) {
      if (scaled >= total) break;
      const size = sizes.get(rs)!;
      if (size === 0) continue;
      const n = Math.min(size, total - scaled);
      sizes.set(rs, size - n);
      scaled += n;
    }
  }
  return oldest.filter((rs) => sizes.get(rs) !== specReplicas(rs)).map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}

export type RollingStep =
  | { action: 'scaleUpNew'; replicas: number }
  | { action: 'scaleDownOld'; changes: ScaleChange[] }
  | { action: 'none' };

/** The next move of a rolling update (rolloutRolling): grow the new ReplicaSet if allowed, else shrink old ones. */
export function nextRollingStep(d: Deployment, newRS: ReplicaSet, oldRSs: ReplicaSet[]): RollingStep {
  const all = [...oldRSs, newRS];
  const next = reconcileNewReplicaSet(d, all, newRS);
  if (next !== undefined) return { action: 'scaleUpNew', replicas: next };
  const changes = reconcileOldReplicaSets(d, all, oldRSs, newRS);
  if (changes.length) return { action: 'scaleDownOld', changes };
  return { action: 'none' };
}

// ---------------------------------------------------------------- recreate

export type RecreateStep =
  | { action: 'scaleDownOld'; changes: ScaleChange[] }
  | { action: 'waitForOldPods' }
  | { action: 'createNew' }
  | { action: 'scaleUpNew'; replicas: number }
  | { action: 'none' };

/** The next move of a Recreate rollout: old to zero, wait for their pods to be gone, then the new one to full size. */
export function nextRecreateStep(d: Deployment, newRS: Maybe<ReplicaSet>, oldRSs: ReplicaSet[], oldPodsRunning: boolean): RecreateStep {
  const active = filterActive(oldRSs);
  if (active.length) return { action: 'scaleDownOld', changes: active.map((rs) => ({ rs, replicas: 0 })) };
  if (oldPodsRunning) return { action: 'waitForOldPods' };
  if (!newRS) return { action: 'createNew' };
  const want = deploymentReplicas(d);
  return specReplicas(newRS) === want ? { action: 'none' } : { action: 'scaleUpNew', replicas: want };
}

// ---------------------------------------------------------------- scaling

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** The one active ReplicaSet, or the newest one if none is active; undefined when several are active. */
export function findActiveOrLatest(newRS: Maybe<ReplicaSet>, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** The new ReplicaSet already runs the whole deployment, available, at the current size. */
export function isSaturated(d: Deployment, rs: Maybe<ReplicaSet>): boolean {
  if (!rs) return false;
  const want = deploymentReplicas(d);
  return specReplicas(rs) === want && desiredReplicasAnnotation(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** Some active ReplicaSet was sized for another deployment size: the user scaled. */
export function isScalingEvent(d: Deployment, newRS: Maybe<ReplicaSet>, oldRSs: ReplicaSet[]): boolean {
  const want = deploymentReplicas(d);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== want;
  });
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const want = deploymentReplicas(d);
  if (want === 0) return -specReplicas(rs);
  const deploymentMax = want + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated <= 0) return 0;
  return roundHalfAway((specReplicas(rs) * deploymentMax) / annotated) - specReplicas(rs);
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Sizes after a scale of the deployment (sync.go's scale): one active ReplicaSet
 * takes the new size; a saturated new one lets old ones go; mid-rollout the
 * difference is spread in proportion to each ReplicaSet's share, leftovers to
 * the largest. Unchanged sizes are listed too, so their annotations get refreshed.
 */
export function scalePlan(d: Deployment, newRS: Maybe<ReplicaSet>, oldRSs: ReplicaSet[]): ScaleChange[] {
  const want = deploymentReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) return specReplicas(only) === want ? [] : [{ rs: only, replicas: want }];
  if (isSaturated(d, newRS)) return filterActive(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const all = filterActive([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs, specReplicas(rs) + p);
      added += p;
    } else {
      sizes.set(rs, specReplicas(rs));
    }
  }
  if (toAdd !== 0 && all.length) {
    const first = all[0];
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  return all.map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}
