// A StatefulSet pod's stable identity and storage, as Kubernetes'
// stateful_set_utils.go defines them: the name `<set>-<ordinal>`, hostname and
// subdomain, the pod-name/pod-index labels, and one PersistentVolumeClaim per
// volumeClaimTemplate named `<template>-<set>-<ordinal>`, mounted in place of
// any template volume of the same name.
import type { OwnerReference } from '../api/meta.js';
import type { PersistentVolumeClaim, Pod, StatefulSet, Volume } from '../api/types/index.js';
import { podFromTemplate } from './pod-control.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The set's name and the ordinal a pod name carries; ordinal -1 when the name has none. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(podName);
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1], ordinal } : { parent: '', ordinal: -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata.name ?? '').ordinal;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** A pod named like one of the set's (isMemberOf). */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod.metadata.name ?? '').parent === set.metadata.name;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function replicasOf(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

/** Ordinals [start, start+replicas) are wanted; the rest are condemned. */
export function inRange(set: StatefulSet, ordinal: number): boolean {
  const start = startOrdinal(set);
  return ordinal >= start && ordinal < start + replicasOf(set);
}

export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata.name}-${ordinal}`;
}

/** The claims a pod of this ordinal uses, keyed by template (= pod volume) name, in template order. */
export function claimsFor(set: StatefulSet, ordinal: number): Array<{ volume: string; claim: PersistentVolumeClaim }> {
  const out: Array<{ volume: string; claim: PersistentVolumeClaim }> = [];
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const volume = t.metadata?.name ?? '';
    const labels = { ...(t.metadata?.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) };
    const claim: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claimName(set, volume, ordinal), namespace: set.metadata.namespace, labels },
      spec: structuredClone(t.spec),
    };
    if (t.metadata?.annotations) claim.metadata.annotations = { ...t.metadata.annotations };
    out.push({ volume, claim });
  }
  return out;
}

/** Name, namespace and identity labels (updateIdentity); hostname/subdomain are set only on creation. */
export function setIdentity(set: StatefulSet, pod: Pod, ordinal: number): void {
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** The claim volumes first, then the template's other volumes (updateStorage). */
export function setStorage(set: StatefulSet, pod: Pod, ordinal: number): void {
  const claims = claimsFor(set, ordinal);
  const names = new Set(claims.map((c) => c.volume));
  const volumes: Volume[] = claims.map((c) => ({ name: c.volume, persistentVolumeClaim: { claimName: c.claim.metadata.name! } }));
  for (const v of pod.spec.volumes ?? []) if (!names.has(v.name)) volumes.push(v);
  if (volumes.length) pod.spec.volumes = volumes;
}

/** A new pod of the set (newStatefulSetPod), labelled with the revision whose template it carries. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revisionName: string, ref: OwnerReference): Pod {
  const pod = podFromTemplate(set.spec.template, set.metadata.namespace ?? '', set.metadata.name ?? '', ref);
  delete pod.metadata.generateName;
  setIdentity(set, pod, ordinal);
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  setStorage(set, pod, ordinal);
  pod.metadata.labels = { ...pod.metadata.labels, [REVISION_LABEL]: revisionName };
  return pod;
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? '');
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name && pod.metadata.labels?.[POD_INDEX_LABEL] === String(ordinal);
}

export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  return claimsFor(set, ordinal).every((c) => volumes.get(c.volume)?.persistentVolumeClaim?.claimName === c.claim.metadata.name);
}

/** The labels a pod whose identity drifted (someone edited them) should carry again. */
export function identityLabelsPatch(set: StatefulSet, pod: Pod): Record<string, string> | undefined {
  const ordinal = ordinalOf(pod);
  const want = { [POD_NAME_LABEL]: podName(set, ordinal), [POD_INDEX_LABEL]: String(ordinal) };
  const missing = Object.entries(want).filter(([k, v]) => pod.metadata.labels?.[k] !== v);
  return missing.length ? Object.fromEntries(missing) : undefined;
}

export function revisionOfPod(pod: Pod): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? '';
}
