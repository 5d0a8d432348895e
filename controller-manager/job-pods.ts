// The pods a Job makes and which of its active pods go (Kubernetes' manageJob
// and activePodsForRemoval as pure functions): `<job>-<random>` pods holding
// the tracking finalizer; Indexed pods `<job>-<index>-<random>` with the index
// as annotation, label, JOB_COMPLETION_INDEX and hostname `<job>-<index>`.
import type { OwnerReference } from '../api/meta.js';
import type { Container, Job, Pod } from '../api/types/index.js';
import { COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_ENV, duplicatedIndexPods, firstPendingIndexes, type Intervals } from './job-indexes.js';
import { compareForDeletion, podFromTemplate } from './pod-control.js';
import { isIndexed, isSuspended, JOB_TRACKING_FINALIZER, onlyReplaceFailedPods, wantActive } from './job-status.js';

/** At most this many pod creations or deletions per sync (MaxPodCreateDeletePerSync). */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** generateName leaves room for its 5 random characters within 63. */
const MAX_GENERATED_NAME_PREFIX = 58;

export function indexedGenerateName(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = `${jobName}${suffix}`;
  return prefix.length > MAX_GENERATED_NAME_PREFIX ? jobName.slice(0, MAX_GENERATED_NAME_PREFIX - suffix.length) + suffix : prefix;
}

function addIndexEnv(c: Container): Container {
  if (c.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) return c;
  return {
    ...c,
    env: [...(c.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } }],
  };
}

/** The pod to create for a Job (for `index` when Indexed). */
export function jobPod(job: Job, ref: OwnerReference, index?: number): Pod {
  const pod = podFromTemplate(job.spec.template, job.metadata.namespace ?? '', job.metadata.name ?? '', ref);
  const finalizers = pod.metadata.finalizers ?? [];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) pod.metadata.finalizers = [...finalizers, JOB_TRACKING_FINALIZER];
  if (index === undefined) return pod;
  const name = job.metadata.name ?? '';
  pod.metadata.generateName = indexedGenerateName(name, index);
  pod.metadata.annotations = { ...pod.metadata.annotations, [COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.metadata.labels = { ...pod.metadata.labels, [COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.spec.hostname = `${name}-${index}`;
  pod.spec.containers = pod.spec.containers.map(addIndexEnv);
  if (pod.spec.initContainers) pod.spec.initContainers = pod.spec.initContainers.map(addIndexEnv);
  return pod;
}

/**
 * Active pods to delete: for Indexed Jobs duplicates and pods without a valid
 * index first, then as many more as needed, earliest-stage pods first.
 */
export function activePodsForRemoval(job: Job, active: Pod[], rmAtLeast: number): Pod[] {
  let rm: Pod[] = [];
  let left = active;
  if (isIndexed(job)) {
    const split = duplicatedIndexPods(active, job.spec.completions ?? 0);
    rm = split.remove;
    left = split.keep;
  }
  if (rm.length < rmAtLeast) rm = [...rm, ...[...left].sort((a, b) => compareForDeletion(a, b)).slice(0, rmAtLeast - rm.length)];
  return rm;
}

export type ManagePlan =
  | { kind: 'delete'; pods: Pod[]; suspended: boolean }
  | { kind: 'create'; count: number; indexes?: number[] }
  | { kind: 'wait'; backoffMs: number }
  | { kind: 'none' };

export interface ManageInput {
  job: Job;
  active: Pod[];
  succeeded: number;
  /** pods being deleted and not yet terminal */
  terminating: number;
  /** Indexed: the succeeded indexes */
  succeededIndexes?: Intervals;
  /** from the pod-failure backoff */
  backoffRemainingMs: number;
}

/**
 * One sync's pod changes: a suspended Job loses all its active pods; surplus
 * pods are deleted (deletion wins over creation in one sync); missing ones are
 * created once the failure backoff has passed.
 */
export function planManage(i: ManageInput): ManagePlan {
  const { job, active } = i;
  if (isSuspended(job)) return active.length ? { kind: 'delete', pods: activePodsForRemoval(job, active, active.length), suspended: true } : { kind: 'none' };
  const want = wantActive(job, i.succeeded, active.length);
  const rm = activePodsForRemoval(job, active, Math.max(0, active.length - want)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (rm.length) return { kind: 'delete', pods: rm, suspended: false };
  // Terminating pods hold their place only when just failed pods are replaced.
  const terminating = onlyReplaceFailedPods(job) ? i.terminating : 0;
  let diff = want - terminating - active.length;
  if (diff <= 0) return { kind: 'none' };
  if (i.backoffRemainingMs > 0) return { kind: 'wait', backoffMs: i.backoffRemainingMs };
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (!isIndexed(job)) return { kind: 'create', count: diff };
  const indexes = firstPendingIndexes(active, i.succeededIndexes ?? [], diff, job.spec.completions ?? 0);
  return indexes.length ? { kind: 'create', count: indexes.length, indexes } : { kind: 'none' };
}
