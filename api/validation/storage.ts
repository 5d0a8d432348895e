// PersistentVolume, PersistentVolumeClaim (core/v1) and StorageClass (storage.k8s.io/v1).
import type { FieldError } from '../errors.js';
import type { KubeObject, LabelSelector } from '../meta.js';
import { validateLabelSelector } from '../labels.js';
import { isDNS1123Subdomain, isQualifiedName } from '../names.js';
import {
  asArray, asRecord, child, forbidden, immutableField, invalid, isRecord, key, notSupported, required, semanticEqual, str,
} from './field.js';
import { parseQuantity, quantityOrError, validatePositiveQuantity, validateResourceQuantity } from './resources.js';
import { validateNodeSelector } from './scheduling.js';
import { validateHostPath } from './volumes.js';
import { validatePathNoBacksteps } from './container.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const PV_RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
/** The PV sources kubelite knows how to check; other in-tree sources only count toward "exactly one". */
const PV_SOURCES = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'rbd', 'cephfs', 'glusterfs', 'azureFile', 'azureDisk',
  'awsElasticBlockStore', 'gcePersistentDisk', 'cinder', 'flexVolume', 'vsphereVolume', 'portworxVolume', 'scaleIO', 'storageos',
  'quobyte', 'flocker', 'photonPersistentDisk'];

function validateAccessModes(modes: unknown, path: string, requiredDetail: string): FieldError[] {
  const list = asArray<string>(modes);
  if (list.length === 0) return [required(path, requiredDetail)];
  const errs: FieldError[] = [];
  for (const m of list) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m))) {
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

function validateClassName(name: unknown, field: string): FieldError[] {
  const n = str(name);
  return n ? isDNS1123Subdomain(n).map((msg) => invalid(field, n, msg)) : [];
}

function validateVolumeMode(mode: unknown, field: string): FieldError[] {
  return mode !== undefined && mode !== null && !VOLUME_MODES.includes(String(mode)) ? [notSupported(field, mode, VOLUME_MODES)] : [];
}

// ---------------------------------------------------------------- PersistentVolume

function validatePVSource(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of PV_SOURCES) {
    const src = spec[kind];
    if (src === undefined || src === null) continue;
    const p = child('spec', kind);
    if (count > 0) {
      errs.push(forbidden(p, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    if (kind === 'hostPath') errs.push(...validateHostPath(asRecord(src), p));
    if (kind === 'local') {
      const path = str(asRecord(src).path);
      if (!path) errs.push(required(child(p, 'path')));
      else {
        if (!path.startsWith('/')) errs.push(invalid(child(p, 'path'), path, 'must be an absolute path'));
        errs.push(...validatePathNoBacksteps(path, child(p, 'path')));
      }
      if (!isRecord(spec.nodeAffinity)) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
    }
  }
  if (count === 0) errs.push(required('spec', 'must specify a volume type'));
  return errs;
}

export function validatePersistentVolume(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', '');
  const capacity = asRecord(spec.capacity);
  const names = Object.keys(capacity);
  if (names.length === 0) errs.push(required('spec.capacity'));
  if (!('storage' in capacity) || names.length > 1) errs.push(notSupported('spec.capacity', capacity, ['storage']));
  for (const [name, v] of Object.entries(capacity)) {
    const field = key('spec.capacity', name);
    const q = quantityOrError(v, field, errs);
    if (q) errs.push(...validateResourceQuantity(name, q, field), ...validatePositiveQuantity(q, field));
  }
  errs.push(...validateClassName(spec.storageClassName, 'spec.storageClassName'));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  const rp = spec.persistentVolumeReclaimPolicy;
  if (rp !== undefined && !PV_RECLAIM_POLICIES.includes(String(rp))) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', rp, PV_RECLAIM_POLICIES));
  if (isRecord(spec.nodeAffinity) && isRecord(spec.nodeAffinity.required)) {
    errs.push(...validateNodeSelector(spec.nodeAffinity.required, 'spec.nodeAffinity.required'));
  }
  errs.push(...validatePVSource(spec));
  const hostPath = asRecord(spec.hostPath);
  if (str(hostPath.path).replace(/\/+$/, '') === '' && str(hostPath.path) !== '' && rp === 'Recycle') {
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  return errs;
}

function pvSource(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PV_SOURCES) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

export function validatePersistentVolumeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const prev = asRecord(old.spec);
  const errs: FieldError[] = [];
  if (!semanticEqual(pvSource(spec), pvSource(prev))) {
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  errs.push(...immutableField(spec.volumeMode, prev.volumeMode, 'volumeMode'));
  if (isRecord(prev.nodeAffinity)) errs.push(...immutableField(spec.nodeAffinity, prev.nodeAffinity, 'nodeAffinity'));
  return errs;
}

const PV_PHASES = ['Pending', 'Available', 'Bound', 'Released', 'Failed'];

export function validatePersistentVolumeStatus(obj: KubeObject): FieldError[] {
  const phase = asRecord(obj.status).phase;
  return phase !== undefined && !PV_PHASES.includes(String(phase)) ? [notSupported('status.phase', phase, PV_PHASES)] : [];
}

// ---------------------------------------------------------------- PersistentVolumeClaim

/** ValidatePersistentVolumeClaimSpec; also used for StatefulSet volumeClaimTemplates. */
export function validatePersistentVolumeClaimSpec(specIn: unknown, path: string): FieldError[] {
  const spec = asRecord(specIn);
  const errs = validateAccessModes(spec.accessModes, child(path, 'accessModes'), 'at least 1 access mode is required');
  if (isRecord(spec.selector)) errs.push(...validateLabelSelector(spec.selector as LabelSelector, child(path, 'selector')));
  const requests = asRecord(asRecord(spec.resources).requests);
  const storagePath = key(child(path, 'resources'), 'storage');
  if (!('storage' in requests)) {
    errs.push(required(storagePath));
  } else {
    const q = quantityOrError(requests.storage, storagePath, errs);
    if (q) {
      const positive = validatePositiveQuantity(q, storagePath);
      errs.push(...(positive.length > 0 ? positive : validateResourceQuantity('storage', q, storagePath)));
    }
  }
  errs.push(...validateClassName(spec.storageClassName, child(path, 'storageClassName')));
  errs.push(...validateVolumeMode(spec.volumeMode, child(path, 'volumeMode')));
  return errs;
}

export function validatePersistentVolumeClaim(obj: KubeObject): FieldError[] {
  return validatePersistentVolumeClaimSpec(obj.spec, 'spec');
}

/** Only resources.requests may change (and storage may not shrink); volumeName may be set once. */
export function validatePersistentVolumeClaimUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const prev = asRecord(old.spec);
  const errs: FieldError[] = [];
  const comparable: Record<string, unknown> = { ...spec, resources: { ...asRecord(spec.resources), requests: asRecord(prev.resources).requests } };
  if (!str(prev.volumeName)) comparable.volumeName = prev.volumeName;
  if (!semanticEqual(comparable, prev)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = parseQuantity(asRecord(asRecord(spec.resources).requests).storage);
  const oldSize = parseQuantity(asRecord(asRecord(prev.resources).requests).storage);
  if (newSize && oldSize && newSize.cmp(oldSize) < 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  errs.push(...immutableField(spec.volumeMode, prev.volumeMode, 'volumeMode'));
  return errs;
}

const PVC_PHASES = ['Pending', 'Bound', 'Lost'];

export function validatePersistentVolumeClaimStatus(obj: KubeObject): FieldError[] {
  const status = asRecord(obj.status);
  const errs: FieldError[] = [];
  if (status.phase !== undefined && !PVC_PHASES.includes(String(status.phase))) errs.push(notSupported('status.phase', status.phase, PVC_PHASES));
  for (const [name, v] of Object.entries(asRecord(status.capacity))) {
    const field = key('status.capacity', name);
    const q = quantityOrError(v, field, errs);
    if (q) errs.push(...validateResourceQuantity(name, q, field));
  }
  return errs;
}

// ---------------------------------------------------------------- StorageClass

const SC_RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;

export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(obj.provisioner);
  if (!provisioner) errs.push(required('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), msg));
  const params = asRecord(obj.parameters);
  if (Object.keys(params).length > MAX_PARAMETERS) errs.push(invalid('parameters', params, `must have at most ${MAX_PARAMETERS} parameters`));
  for (const k of Object.keys(params)) if (!k) errs.push(invalid('parameters', k, 'field can not be empty.'));
  const rp = obj.reclaimPolicy;
  if (rp !== undefined && rp !== '' && !SC_RECLAIM_POLICIES.includes(String(rp))) errs.push(notSupported('reclaimPolicy', rp, SC_RECLAIM_POLICIES));
  const mode = obj.volumeBindingMode;
  if (mode === undefined || mode === null) errs.push(required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(String(mode))) errs.push(notSupported('volumeBindingMode', mode, BINDING_MODES));
  return errs;
}

export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!semanticEqual(obj.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (!semanticEqual(obj.reclaimPolicy, old.reclaimPolicy)) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...immutableField(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}
