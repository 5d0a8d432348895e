// Informer events → cache and queue. Unassigned pods feed the queue, assigned
// pods and nodes feed the cache, and changes that can make room (a node added
// or changed, a pod deleted) give waiting pods another chance.
//
// One watch on all live pods, like kube-scheduler's single pod informer: two watches
// split by spec.nodeName would deliver every binding twice (a DELETED from the
// unassigned side, an ADDED on the assigned side), each a whole pod to decode.
import { objectKey } from '../api/meta.js';
import type { Node, Pod } from '../api/types/index.js';
import type { Informer } from '../client/index.js';
import type { SchedulerCache } from './cache.js';
import { newPodInfo } from './pod-info.js';
import type { SchedulingQueue } from './queue.js';

/** Which pods are ours: an empty schedulerName is what defaulting turns into default-scheduler. */
export function responsibleFor(pod: Pod, names: ReadonlySet<string>): boolean {
  return names.has(pod.spec?.schedulerName || 'default-scheduler');
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Whether a node update could let a waiting pod fit. Kubelets rewrite node
 * status every few seconds (heartbeats); those must not churn the queue.
 */
export function nodeChangeMatters(oldNode: Node, newNode: Node): boolean {
  const ready = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    (oldNode.spec?.unschedulable === true) !== (newNode.spec?.unschedulable === true) ||
    ready(oldNode) !== ready(newNode) ||
    !sameJSON(oldNode.metadata.labels, newNode.metadata.labels) ||
    !sameJSON(oldNode.spec?.taints, newNode.spec?.taints) ||
    !sameJSON(oldNode.status?.allocatable, newNode.status?.allocatable)
  );
}

export interface Informers {
  nodes: Informer<Node>;
  /** pods not yet Succeeded or Failed, bound or not */
  pods: Informer<Pod>;
}

export function wireHandlers(inf: Informers, cache: SchedulerCache, queue: SchedulingQueue, schedulerNames: ReadonlySet<string>): void {
  inf.nodes
    .on('add', (node) => {
      cache.setNode(node);
      queue.moveAllToActiveOrBackoff('NodeAdd');
    })
    .on('update', (oldNode, node) => {
      cache.setNode(node);
      if (nodeChangeMatters(oldNode, node)) queue.moveAllToActiveOrBackoff('NodeUpdate');
    })
    .on('delete', (node) => cache.removeNode(node.metadata.name ?? ''));

  const pending = (pod: Pod): void => {
    const uid = pod.metadata.uid ?? '';
    // Our own assumed pods come back through here until the binding shows up.
    if (cache.hasPod(uid)) return;
    const info = newPodInfo(pod);
    // Gated pods (spec.schedulingGates) wait until whoever added the gates removes them.
    const gated = (pod.spec?.schedulingGates?.length ?? 0) > 0;
    if (pod.metadata.deletionTimestamp || pod.spec?.nodeName || gated || !responsibleFor(pod, schedulerNames)) {
      queue.delete(info.key);
      return;
    }
    queue.addOrUpdate(info);
  };

  const bound = (pod: Pod): void => {
    const info = newPodInfo(pod);
    cache.addOrUpdatePod(info, pod.spec?.nodeName ?? '');
    queue.delete(info.key);
  };

  // spec.nodeName is set once and never changes, so an update either keeps a pod
  // unassigned, binds it, or changes a bound pod.
  const isAssigned = (pod: Pod): boolean => Boolean(pod.spec?.nodeName);
  inf.pods
    .on('add', (pod) => (isAssigned(pod) ? bound(pod) : pending(pod)))
    .on('update', (_old, pod) => (isAssigned(pod) ? bound(pod) : pending(pod)))
    // Also fires when a pod finishes (it leaves the live-phase selector).
    .on('delete', (pod) => {
      if (!isAssigned(pod)) {
        queue.delete(objectKey(pod));
        return;
      }
      cache.removePod(pod.metadata.uid ?? '');
      queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    });
}
