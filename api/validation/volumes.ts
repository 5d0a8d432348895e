// Pod volumes (ValidateVolumes / validateVolumeSource): unique DNS-label names and
// exactly one source each.
import type { FieldError } from '../errors.js';
import type { DownwardAPIVolumeFile, KeyToPath, Volume } from '../types/core.js';
import {
  asArray, asRecord, child, duplicate, forbidden, index, invalid, isRecord, notSupported, required, str,
} from './field.js';
import {
  validateDNS1123Label, validateLocalDescendingPath, validateObjectFieldSelector, validatePathNoBacksteps,
  validateResourceFieldSelector, VOLUME_FIELD_PATHS,
} from './container.js';
import { parseQuantity } from './resources.js';

/** Every source Kubernetes knows, in the order it checks them (which one "wins" a conflict). */
const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';

export const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateMode(mode: unknown, field: string): FieldError[] {
  return typeof mode === 'number' && (mode < 0 || mode > 0o777) ? [invalid(field, mode, FILE_MODE_MSG)] : [];
}

/** ValidateLocalNonReservedPath: item paths inside a volume may not start with `..`. */
function validateLocalNonReservedPath(target: string, field: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, field);
  if (target.startsWith('..') && !errs.some((e) => e.message.endsWith("'..'"))) {
    errs.push(invalid(field, target, "must not start with '..'"));
  }
  return errs;
}

function validateKeyToPath(kp: KeyToPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(kp.key)) errs.push(required(child(path, 'key')));
  if (!str(kp.path)) errs.push(required(child(path, 'path')));
  else errs.push(...validateLocalNonReservedPath(kp.path, child(path, 'path')));
  errs.push(...validateMode(kp.mode, child(path, 'mode')));
  return errs;
}

function validateItems(items: unknown, path: string): FieldError[] {
  return asArray<KeyToPath>(items).flatMap((kp, i) => validateKeyToPath(asRecord(kp) as unknown as KeyToPath, index(path, i)));
}

function validateDownwardAPIFile(file: DownwardAPIVolumeFile, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(file.path)) errs.push(required(child(path, 'path')));
  else errs.push(...validateLocalNonReservedPath(file.path, child(path, 'path')));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, child(path, 'fieldRef')));
    if (file.resourceFieldRef) errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, child(path, 'resourceFieldRef'), true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(file.mode, child(path, 'mode')));
  return errs;
}

function validateDownwardAPIItems(items: unknown, path: string): FieldError[] {
  return asArray<DownwardAPIVolumeFile>(items).flatMap((f, i) => validateDownwardAPIFile(asRecord(f) as unknown as DownwardAPIVolumeFile, index(path, i)));
}

function validateProjected(src: Record<string, unknown>, path: string): FieldError[] {
  const errs = validateMode(src.defaultMode, child(path, 'defaultMode'));
  asArray(src.sources).forEach((raw, i) => {
    const s = asRecord(raw);
    const p = index(child(path, 'sources'), i);
    let count = 0;
    for (const kind of ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle']) {
      if (!isRecord(s[kind])) continue;
      count++;
      const k = s[kind] as Record<string, unknown>;
      const kp = child(p, kind);
      if (kind === 'secret' || kind === 'configMap') {
        if (!str(k.name)) errs.push(required(child(kp, 'name')));
        errs.push(...validateItems(k.items, child(kp, 'items')));
      }
      if (kind === 'downwardAPI') errs.push(...validateDownwardAPIItems(k.items, child(kp, 'items')));
      if (kind === 'serviceAccountToken') {
        const exp = k.expirationSeconds;
        if (typeof exp === 'number' && exp < 600) errs.push(invalid(child(kp, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
        if (typeof exp === 'number' && exp > 2 ** 32) errs.push(invalid(child(kp, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
        if (!str(k.path)) errs.push(required(child(kp, 'path')));
        else errs.push(...validateLocalNonReservedPath(str(k.path), child(kp, 'path')));
      }
    }
    if (count > 1) errs.push(forbidden(p, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/** validateHostPathVolumeSource (also used by PersistentVolume). */
export function validateHostPath(src: Record<string, unknown>, path: string): FieldError[] {
  const p = str(src.path);
  if (!p) return [required(child(path, 'path'))];
  const errs = validatePathNoBacksteps(p, child(path, 'path'));
  const type = src.type ?? '';
  if (!HOST_PATH_TYPES.includes(String(type))) errs.push(notSupported(child(path, 'type'), type, HOST_PATH_TYPES));
  return errs;
}

function validateSource(kind: string, src: Record<string, unknown>, path: string): FieldError[] {
  switch (kind) {
    case 'emptyDir': {
      const limit = src.sizeLimit;
      if (limit !== undefined && (parseQuantity(limit)?.sign() ?? -1) < 0) {
        return [forbidden(child(path, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')];
      }
      if (src.medium !== undefined && !['', 'Memory', 'HugePages'].includes(String(src.medium)) && !String(src.medium).startsWith('HugePages-')) {
        return [notSupported(child(path, 'medium'), src.medium, ['', 'Memory', 'HugePages'])];
      }
      return [];
    }
    case 'hostPath':
      return validateHostPath(src, path);
    case 'secret': {
      const errs = str(src.secretName) ? [] : [required(child(path, 'secretName'))];
      return [...errs, ...validateMode(src.defaultMode, child(path, 'defaultMode')), ...validateItems(src.items, child(path, 'items'))];
    }
    case 'configMap': {
      const errs = str(src.name) ? [] : [required(child(path, 'name'))];
      return [...errs, ...validateMode(src.defaultMode, child(path, 'defaultMode')), ...validateItems(src.items, child(path, 'items'))];
    }
    case 'persistentVolumeClaim':
      return str(src.claimName) ? [] : [required(child(path, 'claimName'))];
    case 'downwardAPI':
      return [...validateMode(src.defaultMode, child(path, 'defaultMode')), ...validateDownwardAPIItems(src.items, child(path, 'items'))];
    case 'projected':
      return validateProjected(src, path);
    case 'nfs': {
      const errs: FieldError[] = [];
      if (!str(src.server)) errs.push(required(child(path, 'server')));
      if (!str(src.path)) errs.push(required(child(path, 'path')));
      else if (!str(src.path).startsWith('/')) errs.push(invalid(child(path, 'path'), src.path, 'must be an absolute path'));
      return errs;
    }
    default:
      return [];
  }
}

/** validateVolumeSource: exactly one source, each checked on its own terms. */
export function validateVolumeSource(vol: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of VOLUME_SOURCES) {
    const src = vol[kind];
    if (src === undefined || src === null) continue;
    if (count > 0) {
      errs.push(forbidden(child(path, kind), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSource(kind, asRecord(src), child(path, kind)));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/**
 * Returns the names of the volumes that validated (mounts may only refer to
 * those, as in Kubernetes) along with every error.
 */
export function validateVolumes(volumes: Volume[], path: string): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  volumes.forEach((raw, i) => {
    const vol = asRecord(raw);
    const p = index(path, i);
    const name = str(vol.name);
    const errs = validateVolumeSource(vol, p);
    if (!name) errs.push(required(child(p, 'name')));
    else errs.push(...validateDNS1123Label(name, child(p, 'name')));
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    if (errs.length === 0) names.add(name);
    else errors.push(...errs);
  });
  return { names, errors };
}
