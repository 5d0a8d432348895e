// Completion indexes of Indexed Jobs (Kubernetes' indexed_job_utils.go): which
// index a pod runs, the `1,3-5` interval notation of status.completedIndexes,
// which indexes still need a pod, and which active pods duplicate an index.
import type { Pod } from '../api/types/index.js';
import { compareForDeletion } from './pod-control.js';

export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
export const UNKNOWN_INDEX = -1;

/** The pod's completion index, or UNKNOWN_INDEX when it carries none (or garbage). */
export function getCompletionIndex(pod: Pod): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.metadata.labels?.[COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return UNKNOWN_INDEX;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : UNKNOWN_INDEX;
}

/** Sorted, non-overlapping, non-adjacent [first, last] ranges. */
export type Intervals = ReadonlyArray<readonly [number, number]>;

export function intervalsTotal(iv: Intervals): number {
  let n = 0;
  for (const [a, b] of iv) n += b - a + 1;
  return n;
}

export function intervalsHas(iv: Intervals, ix: number): boolean {
  for (const [a, b] of iv) {
    if (ix < a) return false;
    if (ix <= b) return true;
  }
  return false;
}

/** `0,2-4`: single indexes alone, runs of two or more as a range. */
export function formatIntervals(iv: Intervals): string {
  return iv.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

/** Merges sorted indexes into the intervals. */
export function withIndexes(iv: Intervals, indexes: number[]): Intervals {
  const all = new Set<number>();
  for (const [a, b] of iv) for (let i = a; i <= b; i++) all.add(i);
  for (const i of indexes) all.add(i);
  return fromIndexes([...all]);
}

export function fromIndexes(indexes: number[]): Intervals {
  const sorted = [...new Set(indexes)].sort((x, y) => x - y);
  const out: Array<[number, number]> = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i === last[1] + 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * Parses `1,3-5,7` (status.completedIndexes), keeping only indexes below
 * `completions` (completions may have been scaled down). Malformed parts are
 * skipped, as Kubernetes logs and skips them.
 */
export function parseIntervals(s: string | undefined, completions: number): Intervals {
  if (!s) return [];
  const indexes: number[] = [];
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const hi = m[2] === undefined ? a : Number(m[2]);
    if (hi < a) continue;
    for (let i = a; i <= Math.min(hi, completions - 1); i++) indexes.push(i);
  }
  return fromIndexes(indexes);
}

/** Finalizer-tracked pods that succeeded with a valid index and are not counted yet. */
export interface SucceededIndexes {
  /** from status.completedIndexes */
  prev: Intervals;
  /** prev plus the indexes of succeeded pods still holding the tracking finalizer */
  all: Intervals;
}

export function calculateSucceededIndexes(completedIndexes: string | undefined, completions: number, pods: Pod[], hasFinalizer: (p: Pod) => boolean): SucceededIndexes {
  const prev = parseIntervals(completedIndexes, completions);
  const fresh: number[] = [];
  for (const p of pods) {
    const ix = getCompletionIndex(p);
    if (p.status?.phase === 'Succeeded' && ix !== UNKNOWN_INDEX && ix < completions && hasFinalizer(p)) fresh.push(ix);
  }
  return { prev, all: withIndexes(prev, fresh) };
}

/** The lowest `count` indexes below `completions` that neither succeeded nor have an active pod. */
export function firstPendingIndexes(activePods: Pod[], succeeded: Intervals, count: number, completions: number): number[] {
  if (count <= 0) return [];
  const taken = new Set<number>();
  for (const p of activePods) {
    const ix = getCompletionIndex(p);
    if (ix !== UNKNOWN_INDEX && ix < completions) taken.add(ix);
  }
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) {
    if (!taken.has(i) && !intervalsHas(succeeded, i)) out.push(i);
  }
  return out;
}

/**
 * Splits active pods into those to remove — no or an out-of-range index, or a
 * second pod for one index (the most advanced of each index stays) — and the rest.
 */
export function duplicatedIndexPods(pods: Pod[], completions: number): { remove: Pod[]; keep: Pod[] } {
  const remove: Pod[] = [];
  const keep: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of pods) {
    const ix = getCompletionIndex(p);
    if (ix === UNKNOWN_INDEX || ix >= completions) {
      remove.push(p);
      continue;
    }
    const group = byIndex.get(ix);
    if (group) group.push(p);
    else byIndex.set(ix, [p]);
  }
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const group = byIndex.get(ix)!;
    if (group.length === 1) {
      keep.push(group[0]);
      continue;
    }
    // Sorted first-to-delete first: everything but the last goes.
    const sorted = [...group].sort((a, b) => compareForDeletion(a, b));
    remove.push(...sorted.slice(0, -1));
    keep.push(sorted[sorted.length - 1]);
  }
  return { remove, keep };
}
