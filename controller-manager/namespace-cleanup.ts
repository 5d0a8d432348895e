// What emptying a terminating namespace means: which resources, in which order,
// and the conditions that tell a user why it is still there.
import type { Condition } from '../api/meta.js';
import { RESOURCES, storageVersion, type ResourceInfo } from '../api/resources.js';

/** Workload controllers go first so nothing is busy replacing the pods being deleted. */
const FIRST = ['apps/deployments', 'apps/statefulsets', 'apps/daemonsets', 'apps/replicasets', '/replicationcontrollers',
  'batch/cronjobs', 'batch/jobs', 'autoscaling/horizontalpodautoscalers'];
const THEN = ['/pods'];
/**
 * What pods use while they shut down (volumes, credentials) goes last, events
 * very last because deleting everything else still writes some.
 */
const LAST = ['/persistentvolumeclaims', '/serviceaccounts', '/secrets', '/configmaps',
  'rbac.authorization.k8s.io/rolebindings', 'rbac.authorization.k8s.io/roles', '/events'];

function rank(id: string): number {
  const f = FIRST.indexOf(id);
  if (f >= 0) return f;
  const t = THEN.indexOf(id);
  if (t >= 0) return FIRST.length + t;
  const l = LAST.indexOf(id);
  if (l >= 0) return 1000 + l;
  return 500;
}

export function resourceId(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `${info.group}/${info.resource}`;
}

/** Every namespaced resource once (at its storage version), in deletion order. */
export function namespacedResourcesInDeletionOrder(resources: readonly ResourceInfo[] = RESOURCES): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of resources) {
    if (!r.namespaced || !r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
    const id = resourceId(r);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(storageVersion(r.group, r.resource) ?? r);
  }
  // Stable sort: resources of equal rank keep the table's order.
  return out.map((r, i) => ({ r, i })).sort((a, b) => rank(resourceId(a.r)) - rank(resourceId(b.r)) || a.i - b.i).map((x) => x.r);
}

export interface RemainingContent {
  /** `<resource>.<group>`, as Kubernetes names them in messages */
  resource: string;
  count: number;
  /** finalizer → how many remaining objects carry it */
  finalizers: Record<string, number>;
}

export interface CleanupOutcome {
  remaining: RemainingContent[];
  /** resource → error message */
  failures: Array<{ resource: string; message: string }>;
}

/**
 * Kubernetes' namespace deletion conditions for an outcome, each True with a
 * message while it applies and False once it no longer does.
 */
export function deletionConditions(o: CleanupOutcome, now: string): Condition[] {
  const cond = (type: string, on: boolean, reasonOn: string, reasonOff: string, message: string): Condition => ({
    type, status: on ? 'True' : 'False', reason: on ? reasonOn : reasonOff, message, lastTransitionTime: now,
  });
  const failures = o.failures.map((f) => `${f.resource}: ${f.message}`).join(', ');
  const remaining = o.remaining.map((r) => `${r.resource} has ${r.count} resource instances`).join(', ');
  const fin = new Map<string, number>();
  for (const r of o.remaining) for (const [f, n] of Object.entries(r.finalizers)) fin.set(f, (fin.get(f) ?? 0) + n);
  const finalizers = [...fin].sort(([a], [b]) => a.localeCompare(b)).map(([f, n]) => `${f} in ${n} resource instances`).join(', ');
  return [
    cond('NamespaceDeletionDiscoveryFailure', false, 'DiscoveryFailed', 'ResourcesDiscovered', 'All resources successfully discovered'),
    cond('NamespaceDeletionGroupVersionParsingFailure', false, 'GroupVersionParsingFailed', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    o.failures.length
      ? cond('NamespaceDeletionContentFailure', true, 'ContentDeletionFailed', 'ContentDeleted', `Failed to delete all resource types, ${o.failures.length} remaining: ${failures}`)
      : cond('NamespaceDeletionContentFailure', false, 'ContentDeletionFailed', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    o.remaining.length
      ? cond('NamespaceContentRemaining', true, 'SomeResourcesRemain', 'ContentRemoved', `Some resources are remaining: ${remaining}`)
      : cond('NamespaceContentRemaining', false, 'SomeResourcesRemain', 'ContentRemoved', 'All content successfully removed'),
    fin.size
      ? cond('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', 'ContentHasNoFinalizers', `Some content in the namespace has finalizers remaining: ${finalizers}`)
      : cond('NamespaceFinalizersRemaining', false, 'SomeFinalizersRemain', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
  ];
}

/**
 * New conditions merged into the old: a condition whose status, reason and
 * message are unchanged keeps its transition time, so rewriting is idempotent.
 * Returns undefined when nothing changed.
 */
export function mergeConditions(old: Condition[] | undefined, next: Condition[]): Condition[] | undefined {
  let changed = false;
  const out = (old ?? []).filter((c) => !next.some((n) => n.type === c.type));
  for (const n of next) {
    const prev = (old ?? []).find((c) => c.type === n.type);
    if (prev && prev.status === n.status && prev.reason === n.reason && prev.message === n.message) {
      out.push(prev);
    } else {
      out.push(n);
      changed = true;
    }
  }
  return changed ? out : undefined;
}

/** Delay before checking a namespace again: quick at first, patient when it stays stuck. */
export function recheckDelayMs(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** Math.max(0, attempt));
}
