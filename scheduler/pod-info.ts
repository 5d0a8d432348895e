// What the scheduler needs to know about a pod, computed once per pod version
// instead of once per node in every cycle.
import { objectKey } from '../api/meta.js';
import type { Pod, Toleration } from '../api/types/index.js';
import { podResourceRequests, type Resources } from './resources.js';

export interface HostPort {
  port: number;
  /** TCP, UDP or SCTP */
  protocol: string;
  /** 0.0.0.0 means every address */
  ip: string;
}

export interface PodInfo {
  pod: Pod;
  /** namespace/name */
  key: string;
  uid: string;
  namespace: string;
  name: string;
  priority: number;
  /** creationTimestamp in ms (0 when unknown) */
  createdMs: number;
  requests: Resources;
  /** requests with the defaults for containers that set none: what scoring compares */
  nonZeroCPU: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  /** pods sharing this key are spread across nodes; undefined when the pod has no peers to spread from */
  spreadKey?: string;
}

export const WILDCARD_IP = '0.0.0.0';

export function newPodInfo(pod: Pod): PodInfo {
  const { requests, nonZeroCPU, nonZeroMemory } = podResourceRequests(pod.spec ?? { containers: [] });
  const created = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return {
    pod,
    key: objectKey(pod),
    uid: pod.metadata.uid ?? objectKey(pod),
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name ?? '',
    priority: pod.spec?.priority ?? 0,
    createdMs: Number.isNaN(created) ? 0 : created,
    requests,
    nonZeroCPU,
    nonZeroMemory,
    hostPorts: hostPortsOf(pod),
    tolerations: pod.spec?.tolerations ?? [],
    spreadKey: spreadKeyOf(pod),
  };
}

/** Host ports the pod's containers claim on the node. */
export function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ port: p.hostPort, protocol: p.protocol || 'TCP', ip: p.hostIP || WILDCARD_IP });
    }
  }
  return out;
}

/**
 * Pods of one controller (ReplicaSet, StatefulSet, Job, ...) are replicas of each
 * other; a pod without a controller counts as a replica of pods with exactly the
 * same labels in its namespace.
 */
export function spreadKeyOf(pod: Pod): string | undefined {
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (owner?.uid) return `owner:${owner.uid}`;
  const labels = pod.metadata.labels;
  if (!labels) return undefined;
  const keys = Object.keys(labels);
  if (keys.length === 0) return undefined;
  keys.sort();
  return `labels:${pod.metadata.namespace ?? 'default'}:${keys.map((k) => `${k}=${labels[k]}`).join(',')}`;
}
