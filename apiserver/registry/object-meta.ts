// Server-owned metadata: what the apiserver sets on create/update regardless of
// what the client sent (uid, timestamps, generation, resourceVersion).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { deepEqual } from './equal.js';

/** Kinds whose spec changes bump metadata.generation (Kubernetes: the workload APIs and HPA). */
export function tracksGeneration(info: ResourceInfo): boolean {
  if (info.group === '') return info.resource === 'replicationcontrollers' || info.resource === 'persistentvolumeclaims';
  return info.group === 'apps' || info.group === 'batch' || info.group === 'autoscaling' || info.group === 'storage.k8s.io';
}

export function prepareMetaForCreate(obj: KubeObject, info: ResourceInfo, now: string): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = now;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.resourceVersion;
  if (tracksGeneration(info)) m.generation = 1;
  else delete m.generation;
  if (m.labels && Object.keys(m.labels).length === 0) delete m.labels;
  if (m.annotations && Object.keys(m.annotations).length === 0) delete m.annotations;
}

/** Keeps what a client may not change through an update, and bumps generation on spec change. */
export function prepareMetaForUpdate(obj: KubeObject, old: KubeObject, info: ResourceInfo): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) {
    m.deletionTimestamp = o.deletionTimestamp;
    m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  if (tracksGeneration(info)) {
    const oldGen = o.generation ?? 1;
    m.generation = specChanged(obj, old) ? oldGen + 1 : oldGen;
  } else {
    delete m.generation;
  }
  if (m.labels && Object.keys(m.labels).length === 0) delete m.labels;
  if (m.annotations && Object.keys(m.annotations).length === 0) delete m.annotations;
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  // Everything but metadata and status counts as spec (e.g. HPA spec, CronJob spec).
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (!deepEqual(a[k], b[k])) return true;
  }
  return false;
}
