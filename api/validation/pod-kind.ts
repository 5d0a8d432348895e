// The Pod kind itself: create, the narrow set of spec changes an update may make,
// and what a status write (the kubelet's) may do.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import type { Container, ContainerStatus, Pod, PodSpec, Toleration } from '../types/core.js';
import { isDNS1123Subdomain, isQualifiedName, isValidIP } from '../names.js';
import { asArray, asRecord, child, duplicate, forbidden, index, invalid, required, semanticEqual, str } from './field.js';
import { validatePodSpec } from './pod.js';
import { validateTolerations } from './scheduling.js';

const MAX_INT32 = 2147483647;

export function validatePod(obj: KubeObject): FieldError[] {
  return validatePodSpec((obj as Pod).spec, 'spec');
}

function validateContainerUpdates(next: Container[], prev: Container[], path: string): { errs: FieldError[]; stop: boolean } {
  if (next.length !== prev.length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  next.forEach((c, i) => {
    const image = str(c?.image);
    if (!image) errs.push(required(child(index(path, i), 'image')));
    if (image.trim() !== image) errs.push(invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function validateActiveDeadlineUpdate(next: unknown, prev: unknown): FieldError[] {
  const field = 'spec.activeDeadlineSeconds';
  if (next === undefined || next === null) {
    return prev === undefined || prev === null ? [] : [invalid(field, null, 'must not update from a positive integer to nil value')];
  }
  if (typeof next !== 'number' || next < 0 || next > MAX_INT32) return [invalid(field, next, `must be between 0 and ${MAX_INT32}, inclusive`)];
  if (typeof prev === 'number' && prev < next) return [invalid(field, next, 'must be less than or equal to previous value')];
  return [];
}

/** Existing tolerations may only change their tolerationSeconds; new ones may be appended. */
function validateOnlyAddedTolerations(next: Toleration[], prev: Toleration[], path: string): FieldError[] {
  for (const old of prev) {
    const found = next.some((t) => semanticEqual({ ...old, tolerationSeconds: t?.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The new spec with every field an update may change copied back from the old one. */
function mungedSpec(next: PodSpec, prev: PodSpec): PodSpec {
  const munged: PodSpec = structuredClone(next);
  const prevContainers = asArray<Container>(prev.containers);
  munged.containers = asArray<Container>(munged.containers).map((c, i) => ({ ...c, image: prevContainers[i]?.image }));
  const prevInits = asArray<Container>(prev.initContainers);
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: prevInits[i]?.image }));
  munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  munged.tolerations = prev.tolerations;
  munged.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  munged.schedulingGates = prev.schedulingGates;
  // Binding sets nodeName once; after that it is as immutable as the rest.
  if (!str(prev.nodeName)) munged.nodeName = prev.nodeName;
  return munged;
}

export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = asRecord((obj as Pod).spec) as unknown as PodSpec;
  const prev = asRecord((old as Pod).spec) as unknown as PodSpec;
  const errs = validatePodSpec(next, 'spec');
  const ctr = validateContainerUpdates(asArray(next.containers), asArray(prev.containers), 'spec.containers');
  errs.push(...ctr.errs);
  if (ctr.stop) return errs;
  const init = validateContainerUpdates(asArray(next.initContainers), asArray(prev.initContainers), 'spec.initContainers');
  errs.push(...init.errs);
  if (init.stop) return errs;
  const ads = validateActiveDeadlineUpdate(next.activeDeadlineSeconds, prev.activeDeadlineSeconds);
  errs.push(...ads);
  if (ads.length > 0) return errs;
  errs.push(...validateOnlyAddedTolerations(asArray(next.tolerations), asArray(prev.tolerations), 'spec.tolerations')
    .filter((e) => e.type === 'FieldValueForbidden'));
  if (!semanticEqual(mungedSpec(next, prev), prev)) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  return errs;
}

// ---------------------------------------------------------------- status

const SYSTEM_CONDITIONS = ['PodScheduled', 'Ready', 'Initialized'];

/** A container that finished may not come back to life unless the pod restarts containers. */
function validateContainerStateTransition(next: ContainerStatus[], prev: ContainerStatus[], path: string, restartPolicy: unknown): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  prev.forEach((old, i) => {
    const terminated = old?.state?.terminated;
    if (!terminated) return;
    if (terminated.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    for (const cur of next) {
      if (cur?.name === old.name && !cur.state?.terminated) {
        errs.push(forbidden(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function validateIPList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ips = asArray<{ ip?: string }>(list).map((x) => str(x?.ip));
  ips.forEach((ip, i) => {
    for (const msg of isValidIP(ip)) errs.push(invalid(index(path, i), ip, msg));
  });
  if (ips.length > 1) {
    const seen = new Set<string>();
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(duplicate(index(path, i), ip));
      seen.add(ip);
    });
  }
  return errs;
}

export function validatePodStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const pod = obj as Pod;
  const prev = old as Pod;
  const status = asRecord(pod.status);
  const errs: FieldError[] = [];
  asArray<{ type?: string }>(status.conditions).forEach((c, i) => {
    const t = str(c?.type);
    if (SYSTEM_CONDITIONS.includes(t)) return;
    for (const msg of isQualifiedName(t)) errs.push(invalid(child(index('status.conditions', i), 'Type'), t, msg));
  });
  if (str(asRecord(pod.spec).nodeName) !== str(asRecord(prev.spec).nodeName)) {
    errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  }
  const nominated = str(status.nominatedNodeName);
  if (nominated && nominated !== str(asRecord(prev.status).nominatedNodeName)) {
    for (const msg of isDNS1123Subdomain(nominated)) errs.push(invalid('status.nominatedNodeName', nominated, msg));
  }
  const restartPolicy = asRecord(prev.spec).restartPolicy;
  const prevStatus = asRecord(prev.status);
  errs.push(...validateContainerStateTransition(asArray(status.containerStatuses), asArray(prevStatus.containerStatuses),
    'status.containerStatuses', restartPolicy));
  errs.push(...validateContainerStateTransition(asArray(status.initContainerStatuses), asArray(prevStatus.initContainerStatuses),
    'status.initContainerStatuses', restartPolicy));
  if (str(status.podIP)) for (const msg of isValidIP(str(status.podIP))) errs.push(invalid('status.podIP', status.podIP, msg));
  errs.push(...validateIPList(status.podIPs, 'status.podIPs'));
  if (str(status.hostIP)) for (const msg of isValidIP(str(status.hostIP))) errs.push(invalid('status.hostIP', status.hostIP, msg));
  errs.push(...validateIPList(status.hostIPs, 'status.hostIPs'));
  return errs;
}
