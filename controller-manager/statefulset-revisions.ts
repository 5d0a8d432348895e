// A StatefulSet's revision history in ControllerRevisions, as Kubernetes keeps
// it: each revision stores the pod template as the strategic-merge patch
// `{"spec":{"template":{...,"$patch":"replace"}}}` (what `kubectl rollout undo`
// applies), is named `<set>-<hash>`, and carries a revision number. These pure
// functions decide which revision is the update revision, which the current
// one, and which old ones revisionHistoryLimit lets go.
import type { OwnerReference } from '../api/meta.js';
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet } from '../api/types/index.js';
import { canonicalJson, fnv32a, safeEncodeString } from './pod-template-hash.js';
import { revisionOfPod } from './statefulset-identity.js';

export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

interface RevisionData {
  spec: { template: PodTemplateSpec & { $patch?: string } };
}

/** The patch a revision stores (getPatch). */
export function revisionData(set: StatefulSet): RevisionData {
  return { spec: { template: { ...structuredClone(set.spec.template), $patch: 'replace' } } };
}

/** The template a revision describes; undefined when its data is not a template patch. */
export function templateOf(rev: ControllerRevision): PodTemplateSpec | undefined {
  const data = rev.data as Partial<RevisionData> | undefined;
  const t = data?.spec?.template;
  if (!t || typeof t !== 'object') return undefined;
  const { $patch: _ignored, ...template } = t;
  return structuredClone(template);
}

/** The set as a revision describes it (ApplyRevision): its template replaced by the revision's. */
export function applyRevision(set: StatefulSet, rev: ControllerRevision): StatefulSet {
  const out = structuredClone(set);
  const t = templateOf(rev);
  if (t) out.spec.template = t;
  return out;
}

/** FNV-32a of the data, perturbed by the collision count (HashControllerRevision). */
export function hashRevision(data: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(data), 'utf8'));
  if (collisionCount) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** A revision of the set's current template (newRevision); not yet stored. */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number, ref: OwnerReference): ControllerRevision {
  const data = revisionData(set);
  const hash = hashRevision(data, collisionCount);
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${set.metadata.name}-${hash}`,
      namespace: set.metadata.namespace,
      labels: { ...(set.spec.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ownerReferences: [ref],
    },
    data,
    revision,
  };
  if (set.metadata.annotations) rev.metadata.annotations = { ...set.metadata.annotations };
  return rev;
}

/** Same data: the same template (EqualRevision). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

/** Lowest revision first; ties by creation time, then name. */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0) ||
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
    (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

export function nextRevisionNumber(revs: ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
}

export type UpdateRevisionPlan =
  /** the latest stored revision already has the set's template */
  | { action: 'use'; revision: ControllerRevision }
  /** an older revision has it (a rollback): give it the next revision number */
  | { action: 'renumber'; revision: ControllerRevision; to: number }
  /** no revision has it: store the candidate */
  | { action: 'create'; revision: ControllerRevision };

/** Which revision the set's template is (getStatefulSetRevisions' first half). */
export function planUpdateRevision(set: StatefulSet, revisions: ControllerRevision[], ref: OwnerReference): UpdateRevisionPlan {
  const sorted = sortRevisions(revisions);
  const candidate = newRevision(set, nextRevisionNumber(sorted), set.status?.collisionCount ?? 0, ref);
  const equal = sorted.filter((r) => equalRevision(r, candidate));
  const latest = sorted[sorted.length - 1];
  if (equal.length && latest && equalRevision(latest, candidate)) return { action: 'use', revision: latest };
  if (equal.length) return { action: 'renumber', revision: equal[equal.length - 1], to: candidate.revision };
  return { action: 'create', revision: candidate };
}

/** The revision status.currentRevision names; the update revision when it is gone or unset. */
export function currentRevision(set: StatefulSet, revisions: ControllerRevision[], update: ControllerRevision): ControllerRevision {
  const name = set.status?.currentRevision;
  return (name && revisions.find((r) => r.metadata.name === name)) || update;
}

/** Old revisions beyond revisionHistoryLimit, oldest first; never one a pod or the status still uses (truncateHistory). */
export function revisionsToDelete(set: StatefulSet, revisions: ControllerRevision[], pods: Pod[], current: string, update: string): ControllerRevision[] {
  const live = new Set([current, update, ...pods.map(revisionOfPod)]);
  const history = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name ?? ''));
  const limit = set.spec.revisionHistoryLimit ?? 10;
  return history.length > limit ? history.slice(0, history.length - limit) : [];
}
