// Shared lookups for the node-scoped controllers (lifecycle, taint eviction, pod
// GC): the pod and node informers, and the pods bound to a node.
import { findResource } from '../api/resources.js';
import type { Lease, Node, Pod } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import type { InformerFactory } from '../client/informer-factory.js';

export const PODS = findResource('', 'v1', 'pods')!;
export const NODES = findResource('', 'v1', 'nodes')!;
export const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

const POD_NODE_INDEX = 'controller-manager/spec.nodeName';

/** The shared pod informer, with an index of pods by the node they are bound to. */
export function podInformer(factory: InformerFactory): Informer<Pod> {
  const inf = factory.get<Pod>(PODS);
  try {
    inf.store.addIndexer(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  } catch {
    // Another node controller in this process added it already.
  }
  return inf;
}

export function podsOnNode(pods: Informer<Pod>, nodeName: string): Pod[] {
  return pods.store.byIndex(POD_NODE_INDEX, nodeName);
}

export function nodeInformer(factory: InformerFactory): Informer<Node> {
  return factory.get<Node>(NODES);
}

/**
 * All leases, not just kube-node-lease: the garbage collector watches every
 * lease anyway, and one shared watch is cheaper than two. Callers filter by namespace.
 */
export function leaseInformer(factory: InformerFactory): Informer<Lease> {
  return factory.get<Lease>(LEASES);
}
