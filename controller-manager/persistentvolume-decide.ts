// The PersistentVolume controller's decisions as pure functions, following
// Kubernetes' pkg/controller/volume/persistentvolume (syncClaim, syncVolume,
// bind, unbind, reclaim): what to do with one claim or one volume given the
// other side as the caches show it, and the objects each write produces.
import type { NodeIdentity } from '../api/node-selector.js';
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/index.js';
import { semanticEqual } from './pod-template-hash.js';
import { claimClass, findBestMatch, isVolumeBoundToClaim, volumeModeMismatch, volumeUnsatisfiedReason } from './persistentvolume-match.js';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';

export type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
export type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

// ---------------------------------------------------------------- claims

export interface ClaimContext {
  /** every volume, for matching */
  volumes: readonly PersistentVolume[];
  /** the volume spec.volumeName names, when it exists */
  volume?: PersistentVolume;
  /** the claim's StorageClass, when it exists */
  storageClass?: StorageClass;
  /** the node named by the selected-node annotation, when it exists */
  selectedNode?: NodeIdentity;
}

export type ClaimDecision =
  | { action: 'bind'; volume: PersistentVolume }
  | { action: 'pending'; event?: EventSpec }
  /** no volume fits: ask the class's provisioner for one (through annotations) */
  | { action: 'provision'; provisioner: string }
  | { action: 'lost'; event: EventSpec }
  | { action: 'none'; why: string };

const has = (obj: { metadata: { annotations?: Record<string, string> } }, key: string): boolean =>
  obj.metadata.annotations?.[key] !== undefined;

export function decideClaim(pvc: PersistentVolumeClaim, ctx: ClaimContext): ClaimDecision {
  const volume = ctx.volume;
  if (has(pvc, ANN_BIND_COMPLETED)) {
    if (!pvc.spec.volumeName) {
      return { action: 'lost', event: { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!' } };
    }
    if (!volume) return { action: 'lost', event: { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' } };
    if (!volume.spec.claimRef || volume.spec.claimRef.uid === pvc.metadata.uid) return { action: 'bind', volume };
    return { action: 'lost', event: { type: 'Warning', reason: 'ClaimMisbound', message: 'Two claims are bound to the same volume, this one is bound incorrectly' } };
  }

  if (pvc.spec.volumeName) {
    // The user asked for this volume by name.
    if (!volume) return { action: 'pending' };
    if (!volume.spec.claimRef) {
      const why = volumeUnsatisfiedReason(volume, pvc);
      if (!why) return { action: 'bind', volume };
      return { action: 'pending', event: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind to requested volume "${volume.metadata.name}": ${why}` } };
    }
    if (isVolumeBoundToClaim(volume, pvc)) return { action: 'bind', volume };
    if (!has(pvc, ANN_BOUND_BY_CONTROLLER)) return { action: 'pending' };
    return { action: 'none', why: `volume ${volume.metadata.name} is already claimed by ${volume.spec.claimRef.namespace}/${volume.spec.claimRef.name}` };
  }

  const delayBinding = ctx.storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
  const nodeChosen = has(pvc, ANN_SELECTED_NODE);
  const match = findBestMatch(pvc, ctx.volumes, { delayBinding, node: nodeChosen ? ctx.selectedNode : undefined });
  if (match) return { action: 'bind', volume: match };
  if (delayBinding && !nodeChosen) {
    return { action: 'pending', event: { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' } };
  }
  const className = claimClass(pvc);
  if (!className) {
    return { action: 'pending', event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' } };
  }
  if (!ctx.storageClass) {
    return { action: 'pending', event: { type: 'Warning', reason: 'ProvisioningFailed', message: `storageclass.storage.k8s.io "${className}" not found` } };
  }
  return { action: 'provision', provisioner: ctx.storageClass.provisioner };
}

/** The provisioner annotations on the claim; undefined when already there. */
export function claimWithProvisioner(pvc: PersistentVolumeClaim, provisioner: string): PersistentVolumeClaim | undefined {
  const ann = pvc.metadata.annotations ?? {};
  if (ann[ANN_STORAGE_PROVISIONER] === provisioner && ann[ANN_BETA_STORAGE_PROVISIONER] === provisioner) return undefined;
  const out = structuredClone(pvc);
  out.metadata.annotations = { ...ann, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner };
  return out;
}

/** The claim pointing at the volume with the bind annotations (bindClaimToVolume); undefined when nothing changes. */
export function bindClaimToVolume(pvc: PersistentVolumeClaim, pv: PersistentVolume): PersistentVolumeClaim | undefined {
  const name = pv.metadata.name ?? '';
  const ann = { ...(pvc.metadata.annotations ?? {}) };
  let dirty = false;
  const out = structuredClone(pvc);
  if (pvc.spec.volumeName !== name) {
    out.spec.volumeName = name;
    if (ann[ANN_BOUND_BY_CONTROLLER] === undefined) ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
    dirty = true;
  }
  if (ann[ANN_BIND_COMPLETED] === undefined) {
    ann[ANN_BIND_COMPLETED] = 'yes';
    dirty = true;
  }
  if (!dirty) return undefined;
  out.metadata.annotations = ann;
  return out;
}

/**
 * The claim with this phase; a volume gives it its capacity and access modes,
 * none clears them (updateClaimStatus). Undefined when nothing changes.
 */
export function claimWithStatus(pvc: PersistentVolumeClaim, phase: ClaimPhase, pv?: PersistentVolume): PersistentVolumeClaim | undefined {
  const status = { ...(pvc.status ?? {}) };
  status.phase = phase;
  if (pv) {
    status.accessModes = pv.spec.accessModes ? [...pv.spec.accessModes] : undefined;
    status.capacity = pv.spec.capacity ? { ...pv.spec.capacity } : undefined;
  } else {
    delete status.accessModes;
    delete status.capacity;
  }
  for (const k of ['accessModes', 'capacity'] as const) if (status[k] === undefined) delete status[k];
  if (semanticEqual(status, pvc.status ?? {})) return undefined;
  return { ...structuredClone(pvc), status };
}

// ---------------------------------------------------------------- volumes

export type VolumeStep =
  | { action: 'phase'; phase: VolumePhase; reason?: string; message?: string; event?: EventSpec }
  | { action: 'enqueueClaim'; namespace: string; name: string }
  | { action: 'unbind' }
  /** nothing to do here: someone else (an external deleter) acts on a Released volume */
  | { action: 'none'; why: string };

/**
 * What a volume needs (syncVolume). `claim` is the claim its claimRef names,
 * already checked against the apiserver when the cache did not have it.
 */
export function decideVolume(pv: PersistentVolume, claim: PersistentVolumeClaim | undefined): VolumeStep[] {
  const ref = pv.spec.claimRef;
  if (!ref || !ref.uid) return [{ action: 'phase', phase: 'Available' }];
  if (!claim || claim.metadata.uid !== ref.uid) {
    const steps: VolumeStep[] = [];
    const phase = pv.status?.phase;
    // A Failed volume stays Failed so the user sees that reclaiming went wrong.
    if (phase !== 'Released' && phase !== 'Failed') steps.push({ action: 'phase', phase: 'Released' });
    steps.push(...reclaim(pv));
    return steps;
  }
  if (!claim.spec.volumeName) {
    if (volumeModeMismatch(claim, pv)) return [{ action: 'none', why: 'the claim it is reserved for asks for another volumeMode' }];
    // Half-way through binding, or a pre-bound volume: the claim's sync finishes it.
    return [{ action: 'enqueueClaim', namespace: claim.metadata.namespace ?? '', name: claim.metadata.name ?? '' }];
  }
  if (claim.spec.volumeName === pv.metadata.name) return [{ action: 'phase', phase: 'Bound' }];
  // Its claim got bound to another volume.
  if (has(pv, ANN_PROVISIONED_BY) && pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
    const steps: VolumeStep[] = [];
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') steps.push({ action: 'phase', phase: 'Released' });
    steps.push(...reclaim(pv));
    return steps;
  }
  return [{ action: 'unbind' }, { action: 'phase', phase: 'Available' }];
}

/** What the reclaim policy asks for once the claim is gone (reclaimVolume). */
export function reclaim(pv: PersistentVolume): VolumeStep[] {
  switch (pv.spec.persistentVolumeReclaimPolicy ?? 'Retain') {
    case 'Retain':
      return [{ action: 'none', why: 'reclaim policy Retain: kept until an administrator deals with it' }];
    case 'Delete': {
      const by = pv.metadata.annotations?.[ANN_PROVISIONED_BY];
      // A dynamically provisioned volume is deleted by its provisioner (kubelite.io/local-path: the kubelet of its node).
      if (by) return [{ action: 'none', why: `waiting for provisioner ${by} to delete the volume` }];
      const message = `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`;
      return [{ action: 'phase', phase: 'Failed', message, event: { type: 'Warning', reason: 'VolumeFailedDelete', message } }];
    }
    case 'Recycle': {
      const message = 'No recycler plugin found for the volume!';
      return [{ action: 'phase', phase: 'Failed', message, event: { type: 'Warning', reason: 'VolumeFailedRecycle', message } }];
    }
    default: {
      const message = 'Volume has unrecognized PersistentVolumeReclaimPolicy';
      return [{ action: 'phase', phase: 'Failed', message, event: { type: 'Warning', reason: 'VolumeUnknownReclaimPolicy', message } }];
    }
  }
}

export function claimReference(pvc: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: pvc.metadata.namespace,
    name: pvc.metadata.name,
    uid: pvc.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: pvc.metadata.resourceVersion,
  };
}

/** The volume reserved for the claim (bindVolumeToClaim); undefined when it already is. */
export function bindVolumeToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): PersistentVolume | undefined {
  const ref = pv.spec.claimRef;
  const boundAlready = isVolumeBoundToClaim(pv, pvc);
  const out = structuredClone(pv);
  let dirty = false;
  if (!ref || ref.name !== pvc.metadata.name || (ref.namespace ?? '') !== (pvc.metadata.namespace ?? '') || ref.uid !== pvc.metadata.uid) {
    out.spec.claimRef = claimReference(pvc);
    dirty = true;
  }
  if (!boundAlready && !has(pv, ANN_BOUND_BY_CONTROLLER)) {
    out.metadata.annotations = { ...(pv.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    dirty = true;
  }
  return dirty ? out : undefined;
}

/** The volume freed again (unbindVolume): ours forgets the claim, a user's pre-binding keeps it but loses the uid. */
export function unbindVolume(pv: PersistentVolume): PersistentVolume {
  const out = structuredClone(pv);
  if (has(pv, ANN_BOUND_BY_CONTROLLER)) {
    delete out.spec.claimRef;
    const ann = { ...(out.metadata.annotations ?? {}) };
    delete ann[ANN_BOUND_BY_CONTROLLER];
    out.metadata.annotations = Object.keys(ann).length ? ann : undefined;
  } else if (out.spec.claimRef) {
    out.spec.claimRef = { ...out.spec.claimRef, uid: undefined };
    delete out.spec.claimRef.uid;
  }
  return out;
}

/** The volume in this phase (updateVolumePhase); undefined when it already is. */
export function volumeWithPhase(pv: PersistentVolume, phase: VolumePhase, now: string, reason?: string, message?: string): PersistentVolume | undefined {
  const cur = pv.status ?? {};
  if (cur.phase === phase && (cur.message ?? '') === (message ?? '') && (cur.reason ?? '') === (reason ?? '')) return undefined;
  const status: NonNullable<PersistentVolume['status']> = { phase };
  if (reason) status.reason = reason;
  if (message) status.message = message;
  status.lastPhaseTransitionTime = cur.phase === phase && cur.lastPhaseTransitionTime ? cur.lastPhaseTransitionTime : now;
  return { ...structuredClone(pv), status };
}

