// Revision bookkeeping of a Deployment's ReplicaSets, as Kubernetes keeps it in
// annotations: which ReplicaSet is "new" (its template equals the deployment's),
// the revision numbers `kubectl rollout history/undo` read, annotations copied
// from the deployment, and which old ReplicaSets revisionHistoryLimit lets go.
import type { Deployment, ReplicaSet } from '../api/types/index.js';
import { equalIgnoreHash } from './pod-template-hash.js';
import { byCreationTimestamp, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, maxSurge, specReplicas } from './deployment-rollout.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
/** Longest revision-history annotation kept (Kubernetes' default). */
export const MAX_REV_HISTORY_LENGTH = 2000;

/** Deployment annotations that describe the deployment itself, never copied onto its ReplicaSets. */
const SKIP_COPY = new Set([
  LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION,
]);

/** The revision number; 0 when missing or not a number. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** Lowest revision first; same revision → older first (ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** The ReplicaSet whose template is the deployment's; the oldest wins if several are. */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every other ReplicaSet (`all`), and those of them still asked for pods (`required`). */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): { required: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { required: all.filter((rs) => specReplicas(rs) !== 0), all };
}

/** Sets the desired/max replica annotations; true if anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    ann[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    ann[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = rs.metadata.annotations ?? {};
  return ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || ann[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Copies the deployment's own annotations (e.g. kubernetes.io/change-cause) onto the ReplicaSet. */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Brings the new ReplicaSet's annotations up to date (SetNewReplicaSetAnnotations):
 * it gets `newRevision` unless it already has a higher one; a ReplicaSet that had
 * a lower revision is being rolled back to, so that revision goes into its
 * revision-history. A ReplicaSet about to be created also gets the replica
 * annotations. Returns whether anything changed; mutates `rs`.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, maxHistoryChars = MAX_REV_HISTORY_LENGTH): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const old = ann[REVISION_ANNOTATION];
  if (old !== undefined && old !== '' && !/^\d+$/.test(old)) return false;
  const oldRevision = old ? Number(old) : 0;
  if (oldRevision < newRevision) {
    ann[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (old) {
      const history = ann[REVISION_HISTORY_ANNOTATION] ?? '';
      if (!history) {
        ann[REVISION_HISTORY_ANNOTATION] = old;
      } else {
        const parts = history.split(',');
        let total = history.length + old.length + 1;
        let start = 0;
        while (total > maxHistoryChars && start < parts.length) total -= parts[start++].length + 1;
        if (total <= maxHistoryChars) ann[REVISION_HISTORY_ANNOTATION] = [...parts.slice(start), old].join(',');
      }
    }
  }
  if (!exists) {
    const want = d.spec.replicas ?? 1;
    if (setReplicasAnnotations(rs, want, want + maxSurge(d))) changed = true;
  }
  return changed;
}

/**
 * Old ReplicaSets to delete beyond revisionHistoryLimit (cleanupDeployment): the
 * lowest revisions first, and only those fully scaled down and settled.
 */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  return [...alive]
    .sort(byRevision)
    .slice(0, diff)
    .filter((rs) =>
      (rs.status?.replicas ?? 0) === 0 &&
      specReplicas(rs) === 0 &&
      (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}

/**
 * The ReplicaSet `kubectl rollout undo [--to-revision=N]` restores: revision N, or
 * for 0 the one before the latest (kubectl's rsForRevision). Undefined when none.
 */
export function replicaSetForRevision(rss: ReplicaSet[], toRevision: number): ReplicaSet | undefined {
  if (toRevision > 0) return rss.find((rs) => revisionOf(rs) === toRevision);
  let max = 0;
  let prev = 0;
  let latest: ReplicaSet | undefined;
  let previous: ReplicaSet | undefined;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v > max) {
      prev = max;
      previous = latest;
      max = v;
      latest = rs;
    } else if (v > prev) {
      prev = v;
      previous = rs;
    }
  }
  return previous;
}
