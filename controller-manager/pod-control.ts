// Creating and deleting pods on behalf of a controller, as Kubernetes'
// controller_utils does: pods stamped from a template, creates in slow-start
// batches, which pods to delete first, and expectations that stop a sync from
// acting again before its own creates/deletes (or, for any object, its own
// writes) have come back through the informer.
import type { OwnerReference } from '../api/meta.js';
import type { Pod, PodTemplateSpec } from '../api/types/index.js';

// ---------------------------------------------------------------- pod state

/** Not terminal and not being deleted: counts towards a controller's replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podReadyCondition(pod: Pod): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds (judged by the Ready condition's lastTransitionTime). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < now;
}

// ---------------------------------------------------------------- creating

/** A valid generateName prefix from a controller name (Kubernetes: `<name>-`). */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  // generateName adds 5 characters; keep the whole name within the 63-char DNS label limit.
  return prefix.length > 58 ? prefix.slice(0, 58) : prefix;
}

/** The pod a controller creates from its template (GetPodFromTemplate). */
export function podFromTemplate(template: PodTemplateSpec, namespace: string, controllerName: string, ref: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(controllerName),
      namespace,
      ownerReferences: [ref],
    },
    spec: structuredClone(template.spec),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

export interface BatchResult {
  successes: number;
  /** first failure; later batches were not attempted */
  error?: unknown;
}

/**
 * Runs fn `count` times in batches of 1, 2, 4, … (Kubernetes' slowStartBatch):
 * a request that fails for every pod (quota, bad template) fails once, not N times.
 * Stops after the first batch with a failure.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<BatchResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}

// ---------------------------------------------------------------- deleting

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(pod: Pod): number {
  const v = Number(pod.metadata.annotations?.[POD_DELETION_COST]);
  return Number.isInteger(v) ? v : 0;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

function time(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Kubernetes' afterOrZero: a missing time sorts first, otherwise the later one. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/**
 * Negative when `a` should be deleted before `b` (Kubernetes' ActivePodsWithRanks):
 * unscheduled < scheduled; Pending < Unknown < Running; not ready < ready; lower
 * pod-deletion-cost; more pods of the same owner on its node (rank); ready for
 * less time; more restarts; newer; then uid for a stable order.
 */
export function compareForDeletion(a: Pod, b: Pod, rankA = 0, rankB = 0): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const ta = time(podReadyCondition(a)?.lastTransitionTime);
    const tb = time(podReadyCondition(b)?.lastTransitionTime);
    if (ta !== tb) return afterOrZero(ta, tb) ? -1 : 1;
  }
  const xa = maxRestarts(a);
  const xb = maxRestarts(b);
  if (xa !== xb) return xb - xa;
  const ka = time(a.metadata.creationTimestamp);
  const kb = time(b.metadata.creationTimestamp);
  if (ka !== kb) return afterOrZero(ka, kb) ? -1 : 1;
  const ua = a.metadata.uid ?? '';
  const ub = b.metadata.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * The `count` pods to delete first. `related` are the active pods of the owner's
 * whole family (e.g. every ReplicaSet of one Deployment): a pod on a node crowded
 * with its siblings goes first, to keep the spread.
 */
export function podsToDelete(pods: Pod[], count: number, related: Pod[] = pods): Pod[] {
  if (count <= 0) return [];
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod): number => (p.spec?.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
  return pods
    .map((p) => ({ p, r: rank(p) }))
    .sort((x, y) => compareForDeletion(x.p, y.p, x.r, y.r))
    .slice(0, count)
    .map((x) => x.p);
}

// ---------------------------------------------------------------- expectations

/** How long an unmet expectation holds a controller back (client-go: 5 minutes). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  /** keys of pods we asked to delete and have not yet seen go */
  deletes: Set<string>;
  at: number;
}

/**
 * client-go's UIDTrackingControllerExpectations: after a controller creates N pods
 * and deletes pods {k…}, its next syncs skip managing replicas until the informer
 * has shown all N creations and those exact deletions (or the expectation expired),
 * because until then the cache under-counts or over-counts its pods.
 */
export class ControllerExpectations {
  private readonly items = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now, private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS) {}

  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.at > this.timeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.items.set(key, { adds: n, deletes: new Set(), at: this.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.items.set(key, { adds: 0, deletes: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  /** Idempotent per pod: a pod seen terminating and then deleted counts once. */
  deletionObserved(key: string, podKey: string): void {
    this.items.get(key)?.deletes.delete(podKey);
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  /** Outstanding work, for logs and tests. */
  pending(key: string): { adds: number; deletes: number } | undefined {
    const e = this.items.get(key);
    return e && { adds: e.adds, deletes: e.deletes.size };
  }
}

/**
 * Remembers the resourceVersion each of our own writes produced, so a sync can
 * tell its cached copy predates that write and wait for the informer instead of
 * acting on old state (which would only end in a 409 Conflict and a retry).
 * Relies on kubelite's resourceVersions being increasing numbers; anything else
 * is never considered behind. Gives up waiting after `maxWaitMs`.
 */
export class OwnWrites {
  private readonly latest = new Map<string, { rv: number; at: number }>();

  constructor(private readonly now: () => number = Date.now, private readonly maxWaitMs = 30_000) {}

  written(key: string, resourceVersion: string | undefined): void {
    const rv = Number(resourceVersion);
    if (Number.isSafeInteger(rv)) this.latest.set(key, { rv, at: this.now() });
  }

  /** True while the cached copy is older than our last write to it. */
  cacheBehind(key: string, cachedResourceVersion: string | undefined): boolean {
    const w = this.latest.get(key);
    if (!w) return false;
    const cached = Number(cachedResourceVersion);
    if (!Number.isSafeInteger(cached) || cached >= w.rv || this.now() - w.at > this.maxWaitMs) {
      this.latest.delete(key);
      return false;
    }
    return true;
  }

  forget(key: string): void {
    this.latest.delete(key);
  }
}
