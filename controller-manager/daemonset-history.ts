// A DaemonSet's history as ControllerRevisions (Kubernetes' daemon/update.go):
// each revision holds a strategic-merge patch that replaces spec.template, so
// `kubectl rollout undo ds` can apply it as is and `rollout history` can show it.
import type { ControllerRevision, DaemonSet } from '../api/types/index.js';
import { computeHash, semanticEqual } from './pod-template-hash.js';
import { CONTROLLER_REVISION_HASH_LABEL } from './daemonset-nodes.js';

/** getPatch: `{"spec":{"template":{...,"$patch":"replace"}}}`. */
export function daemonSetPatch(ds: Pick<DaemonSet, 'spec'>): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(ds.spec.template), $patch: 'replace' } } };
}

/** Match: the revision holds exactly this DaemonSet's template. */
export function revisionMatches(ds: Pick<DaemonSet, 'spec'>, cr: ControllerRevision): boolean {
  return semanticEqual(daemonSetPatch(ds), cr.data);
}

/** The hash naming the current template's revision (`<ds>-<hash>`) and labelling its pods. */
export function templateHash(ds: Pick<DaemonSet, 'spec' | 'status'>): string {
  return computeHash(ds.spec.template, ds.status?.collisionCount);
}

export function maxRevision(crs: readonly ControllerRevision[]): number {
  return crs.reduce((m, cr) => Math.max(m, cr.revision ?? 0), 0);
}

/** The ControllerRevision snapshotting the DaemonSet's current template (snapshot). */
export function newRevision(ds: DaemonSet, revision: number, hash: string, ownerRef: NonNullable<DaemonSet['metadata']['ownerReferences']>[number]): ControllerRevision {
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [ownerRef],
    },
    data: daemonSetPatch(ds),
    revision,
  };
  if (ds.metadata.annotations && Object.keys(ds.metadata.annotations).length) cr.metadata.annotations = { ...ds.metadata.annotations };
  return cr;
}

export interface HistorySplit {
  /** revisions holding the current template (normally one) */
  current: ControllerRevision[];
  old: ControllerRevision[];
}

export function splitHistory(ds: Pick<DaemonSet, 'spec'>, crs: readonly ControllerRevision[]): HistorySplit {
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const cr of crs) (revisionMatches(ds, cr) ? current : old).push(cr);
  return { current, old };
}

export interface Dedup {
  keep: ControllerRevision;
  /** duplicates of the current template to delete; their pods get relabelled to keep's hash */
  drop: ControllerRevision[];
}

/** dedupCurHistories: of several revisions of the current template the highest revision wins. */
export function dedupCurrent(current: readonly ControllerRevision[]): Dedup {
  const sorted = [...current].sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return { keep: sorted[0], drop: sorted.slice(1) };
}

export function hashOf(cr: ControllerRevision): string {
  return cr.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? cr.metadata.name ?? '';
}

/**
 * cleanupHistory: old revisions beyond revisionHistoryLimit, lowest revision
 * first, never one whose hash a live pod still carries.
 */
export function historyToCleanUp(old: readonly ControllerRevision[], limit: number | undefined, liveHashes: ReadonlySet<string>): ControllerRevision[] {
  let toKill = old.length - (limit ?? 10);
  if (toKill <= 0) return [];
  const out: ControllerRevision[] = [];
  for (const cr of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
    if (toKill <= 0) break;
    if (liveHashes.has(hashOf(cr))) continue;
    out.push(cr);
    toKill--;
  }
  return out;
}
