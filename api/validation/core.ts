// The smaller core/v1 kinds: Namespace, Node, ConfigMap, Secret, Event,
// ReplicationController.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import type { PodTemplateSpec } from '../types/core.js';
import { validateLabelName, selectorFromSet, matches } from '../labels.js';
import { isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidLabelValue } from '../names.js';
import {
  asArray, asRecord, child, duplicate, forbidden, goStringMap, immutableField, index, invalid, isRecord, key, nonNegative,
  notSupported, required, semanticEqual, str, tooLong,
} from './field.js';
import { validatePodTemplateSpec } from './pod.js';
import { validateTaintEffect } from './scheduling.js';

export const MAX_SECRET_SIZE = 1024 * 1024;
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

// ---------------------------------------------------------------- Namespace

export function validateNamespace(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of asArray<string>(asRecord(obj.spec).finalizers)) {
    const name = str(f);
    const msgs = isQualifiedName(name);
    if (msgs.length > 0) for (const msg of msgs) errs.push(invalid('spec.finalizers', name, msg));
    else if (!name.includes('/') && !STANDARD_FINALIZERS.includes(name)) {
      errs.push(invalid('spec.finalizers', name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

export function validateNamespaceStatus(obj: KubeObject): FieldError[] {
  const phase = asRecord(obj.status).phase;
  if (!obj.metadata?.deletionTimestamp) {
    return phase === 'Active' ? [] : [invalid('status.Phase', phase ?? '', "may only be 'Active' if `deletionTimestamp` is empty")];
  }
  return phase === 'Terminating' ? [] : [invalid('status.Phase', phase ?? '', "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}

// ---------------------------------------------------------------- Node

function validateTaints(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  asArray(raw).forEach((t0, i) => {
    const t = asRecord(t0);
    const p = index(path, i);
    errs.push(...validateLabelName(str(t.key), child(p, 'key')));
    const msgs = isValidLabelValue(str(t.value));
    if (msgs.length > 0) errs.push(invalid(child(p, 'value'), str(t.value), msgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, child(p, 'effect')));
    const k = `${str(t.effect)}\u0000${str(t.key)}`;
    if (seen.has(k)) {
      const e = duplicate(p, t);
      errs.push({ ...e, message: `${e.message}: taints must be unique by key and effect pair` });
    }
    seen.add(k);
  });
  return errs;
}

export function validateNode(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const errs: FieldError[] = [];
  const cidrs = asArray<string>(spec.podCIDRs);
  if (str(spec.podCIDR)) for (const msg of isValidCIDR(str(spec.podCIDR))) errs.push(invalid('spec.podCIDR', spec.podCIDR, msg));
  cidrs.forEach((c, i) => {
    for (const msg of isValidCIDR(str(c))) errs.push(invalid(index('spec.podCIDRs', i), c, msg));
  });
  if (cidrs.length > 2) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  errs.push(...validateTaints(spec.taints, 'spec.taints'));
  return errs;
}

export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const prev = asRecord(old.spec);
  const errs: FieldError[] = [];
  const before = asArray<string>(prev.podCIDRs);
  if (before.length > 0 && !semanticEqual(asArray<string>(spec.podCIDRs), before)) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(prev.providerID) && prev.providerID !== spec.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

// ---------------------------------------------------------------- ConfigMap / Secret

/** Offset of the first byte Go's base64.StdEncoding rejects, or undefined when the text decodes. */
export function base64ErrorOffset(text: string): number | undefined {
  const chars: { c: string; at: number }[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] !== '\r' && text[i] !== '\n') chars.push({ c: text[i], at: i });
  for (let q = 0; q < chars.length; q += 4) {
    const quantum = chars.slice(q, q + 4);
    if (quantum.length < 4) return quantum[0].at;
    for (let j = 0; j < 4; j++) {
      const { c, at } = quantum[j];
      if (/[A-Za-z0-9+/]/.test(c)) continue;
      const isLast = q + 4 >= chars.length;
      if (c !== '=' || !isLast || j < 2 || (j === 2 && quantum[3].c !== '=')) return at;
    }
  }
  return undefined;
}

export function base64ByteLength(text: string): number {
  return Buffer.from(text, 'base64').length;
}

function validateDataKeys(data: Record<string, unknown>, path: string): FieldError[] {
  return Object.keys(data).flatMap((k) => isConfigMapKey(k).map((msg) => invalid(key(path, k), k, msg)));
}

function validateBase64Values(data: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(data)) {
    const at = typeof v === 'string' ? base64ErrorOffset(v) : 0;
    if (at !== undefined) errs.push(invalid(key(path, k), '<secret contents redacted>', `illegal base64 data at input byte ${at}`));
  }
  return errs;
}

export function validateConfigMap(obj: KubeObject): FieldError[] {
  const data = asRecord(obj.data);
  const binary = asRecord(obj.binaryData);
  const errs = validateDataKeys(data, 'data');
  for (const k of Object.keys(data)) {
    if (k in binary) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  }
  errs.push(...validateDataKeys(binary, 'binaryData'));
  errs.push(...validateBase64Values(binary, 'binaryData'));
  let total = 0;
  for (const v of Object.values(data)) total += Buffer.byteLength(str(v));
  for (const v of Object.values(binary)) total += base64ByteLength(str(v));
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('[]', MAX_SECRET_SIZE));
  return errs;
}

function immutableData(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const msg = 'field is immutable when `immutable` is set';
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', msg));
  for (const f of fields) if (!semanticEqual(obj[f], old[f])) errs.push(forbidden(f, msg));
  return errs;
}

export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return immutableData(obj, old, ['data', 'binaryData']);
}

/** Keys each typed secret must carry. */
function validateSecretType(obj: KubeObject, data: Record<string, unknown>): FieldError[] {
  const has = (k: string): boolean => k in data;
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      return str(asRecord(obj.metadata?.annotations)['kubernetes.io/service-account.name'])
        ? [] : [required(key('metadata.annotations', 'kubernetes.io/service-account.name'))];
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? [] : [required(key('data', '.dockercfg'))];
    case 'kubernetes.io/dockerconfigjson':
      return has('.dockerconfigjson') ? [] : [required(key('data', '.dockerconfigjson'))];
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [required(key('data', 'username')), required(key('data', 'password'))];
    case 'kubernetes.io/ssh-auth':
      return str(data['ssh-privatekey']) ? [] : [required(key('data', 'ssh-privatekey'))];
    case 'kubernetes.io/tls':
      return [...(has('tls.crt') ? [] : [required(key('data', 'tls.crt'))]), ...(has('tls.key') ? [] : [required(key('data', 'tls.key'))])];
    default:
      return [];
  }
}

export function validateSecret(obj: KubeObject): FieldError[] {
  const data = asRecord(obj.data);
  const errs = validateDataKeys(data, 'data');
  errs.push(...validateBase64Values(data, 'data'));
  let total = 0;
  for (const v of Object.values(data)) total += base64ByteLength(str(v));
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  errs.push(...validateSecretType(obj, data));
  return errs;
}

export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...immutableField(obj.type ?? '', old.type ?? '', 'type'), ...immutableData(obj, old, ['data'])];
}

// ---------------------------------------------------------------- Event

export function validateEvent(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const involved = asRecord(obj.involvedObject);
  const eventNs = str(obj.metadata?.namespace);
  const involvedNs = str(involved.namespace);
  const namespaceKnown = obj.metadata?.namespace !== undefined;
  if (!obj.eventTime) {
    const mismatch = involvedNs ? eventNs !== involvedNs : eventNs !== '' && eventNs !== 'default';
    if (namespaceKnown && mismatch) errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  } else {
    if (namespaceKnown && !involvedNs && eventNs !== 'default' && eventNs !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    const controller = str(obj.reportingComponent);
    if (!controller) errs.push(required('reportingComponent'));
    for (const msg of isQualifiedName(controller)) errs.push(invalid('reportingComponent', controller, msg));
    if (!str(obj.reportingInstance)) errs.push(required('reportingInstance'));
    if (str(obj.reportingInstance).length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!str(obj.action)) errs.push(required('action'));
    if (str(obj.action).length > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    if (!str(obj.reason)) errs.push(required('reason'));
    if (str(obj.reason).length > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if (str(obj.message).length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  if (namespaceKnown) for (const msg of isDNS1123Subdomain(eventNs)) errs.push(invalid('namespace', eventNs, msg));
  errs.push(...nonNegative(obj.count, 'count'));
  return errs;
}

export function validateEventUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return ['involvedObject', 'reason', 'source', 'type', 'action', 'reportingComponent', 'reportingInstance']
    .flatMap((f) => immutableField(obj[f], old[f], f));
}

// ---------------------------------------------------------------- ReplicationController

export function validateReplicationController(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = asRecord<string>(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  const template = spec.template as PodTemplateSpec | undefined;
  if (!isRecord(template)) {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels = asRecord<string>(asRecord(template.metadata).labels);
  if (Object.keys(selector).length > 0 && !matches(selectorFromSet(selector), labels)) {
    errs.push(invalid('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const tspec = asRecord(template.spec);
  if (tspec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', tspec.restartPolicy ?? '', ['Always']));
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(invalid('spec.template.spec.activeDeadlineSeconds', tspec.activeDeadlineSeconds, 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}
