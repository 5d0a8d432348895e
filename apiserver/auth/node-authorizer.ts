// The node authorizer: what a kubelet (user system:node:<n>, group system:nodes)
// may do. Reads are limited to what a kubelet and the node's proxy watch, plus the
// Secrets/ConfigMaps/PVCs its own pods use; writes to its own Node, its Lease, the
// Pods bound to it, Events and CSRs. Like Kubernetes' Node authorizer together with
// the NodeRestriction admission plugin (see nodeAdmission for the create bodies, and
// node-restriction.ts for what a node may change on its own Node).
import type { KubeObject } from '../../api/meta.js';
import { LOCAL_PATH_PROVISIONER } from '../../api/local-path.js';
import { nodeSelectorMatches } from '../../api/node-selector.js';
import type { NodeSelector } from '../../api/types/core.js';
import type { NodeGraphView } from './node-graph.js';
import { podReferences } from './pod-references.js';
import type { RequestAttributes } from './request-attributes.js';

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const READS = new Set(['get', 'list', 'watch']);

/** group/resource a node reads freely: the cluster shape a kubelet and the proxy follow. */
const READABLE = new Set([
  '/nodes', '/pods', '/services', '/endpoints', '/namespaces', '/persistentvolumes',
  'discovery.k8s.io/endpointslices', 'node.k8s.io/runtimeclasses',
  'storage.k8s.io/storageclasses', 'storage.k8s.io/csidrivers', 'storage.k8s.io/csinodes', 'storage.k8s.io/volumeattachments',
]);

export const NODES_GROUP = 'system:nodes';

/** user name system:node:<n> → n */
export function nodeNameOf(user: string): string | undefined {
  return user.startsWith('system:node:') && user.length > 'system:node:'.length ? user.slice('system:node:'.length) : undefined;
}

/** The node a user acts as (user system:node:<n> in group system:nodes), if any. */
export function nodeIdentity(user: { name: string; groups: readonly string[] }): string | undefined {
  const node = nodeNameOf(user.name);
  return node !== undefined && user.groups.includes(NODES_GROUP) ? node : undefined;
}

export function authorizeNode(node: string, a: RequestAttributes, graph: NodeGraphView): Decision {
  if (!a.isResourceRequest) return deny(`node "${node}" may only read API discovery`);
  const gr = `${a.apiGroup}/${a.resource}`;
  const sub = a.subresource;
  const read = READS.has(a.verb);

  if (read && !sub && READABLE.has(gr)) return ALLOW;
  switch (gr) {
    case '/nodes': return nodeWrite(node, a);
    case '/pods': return podAccess(node, a, graph);
    case '/secrets':
    case '/configmaps':
    case '/persistentvolumeclaims':
      return referenced(node, a, graph, a.resource as 'secrets' | 'configmaps' | 'persistentvolumeclaims');
    case '/persistentvolumes':
      return persistentVolumeWrite(node, a, graph);
    case 'coordination.k8s.io/leases':
      return leaseAccess(node, a);
    case '/events':
    case 'events.k8s.io/events':
      if (!sub && ['create', 'update', 'patch'].includes(a.verb)) return ALLOW;
      return deny(`node "${node}" can only create, update and patch events`);
    case 'certificates.k8s.io/certificatesigningrequests':
      if (!sub && ['create', 'get', 'list', 'watch'].includes(a.verb)) return ALLOW;
      return deny(`node "${node}" can only create and read certificatesigningrequests`);
    case '/services':
      // the node's proxy (same credentials after a join) publishes LoadBalancer ingress IPs
      if (sub === 'status' && (a.verb === 'patch' || a.verb === 'update' || a.verb === 'get')) return ALLOW;
      return deny(`node "${node}" can only read services and update their status`);
  }
  return deny(`node "${node}" cannot ${a.verb} ${sub ? `${a.resource}/${sub}` : a.resource}`);
}

function nodeWrite(node: string, a: RequestAttributes): Decision {
  const sub = a.subresource;
  if (a.verb === 'create' && !sub) return ALLOW; // the body's name is checked by nodeAdmission
  if (sub === 'status' && READS.has(a.verb)) return ALLOW;
  if (sub && sub !== 'status') return deny(`node "${node}" cannot ${a.verb} nodes/${sub}`);
  if (['get', 'update', 'patch', 'delete'].includes(a.verb)) {
    return a.name === node ? ALLOW : deny(`node "${node}" can only ${a.verb} its own Node object`);
  }
  return deny(`node "${node}" can only modify its own Node object`);
}

function podAccess(node: string, a: RequestAttributes, graph: NodeGraphView): Decision {
  const sub = a.subresource;
  if (a.verb === 'create' && !sub) return ALLOW; // only mirror pods of this node: nodeAdmission checks the body
  const bound = () => {
    const pod = a.name ? graph.pod(a.namespace, a.name) : undefined;
    return pod !== undefined && (pod.spec as { nodeName?: unknown } | undefined)?.nodeName === node;
  };
  if (sub === 'status' && ['get', 'update', 'patch'].includes(a.verb)) {
    return bound() ? ALLOW : deny(`node "${node}" can only ${a.verb} the status of pods bound to it`);
  }
  if (!sub && a.verb === 'delete') return bound() ? ALLOW : deny(`node "${node}" can only delete pods bound to it`);
  if (sub === 'eviction' && a.verb === 'create') return bound() ? ALLOW : deny(`node "${node}" can only evict pods bound to it`);
  return deny(`node "${node}" cannot ${a.verb} ${sub ? `pods/${sub}` : 'pods'}`);
}

function referenced(node: string, a: RequestAttributes, graph: NodeGraphView, kind: 'secrets' | 'configmaps' | 'persistentvolumeclaims'): Decision {
  if (a.verb !== 'get' || a.subresource || !a.name) {
    return deny(`node "${node}" can only get individual ${kind} referenced by pods bound to it`);
  }
  if (graph.referencedFromNode(kind, a.namespace, a.name, node)) return ALLOW;
  return deny(`no relationship found between node "${node}" and this object`);
}

/** The kubelet's local-path reclaimer deletes the Released volumes it provisioned on this node. */
function persistentVolumeWrite(node: string, a: RequestAttributes, graph: NodeGraphView): Decision {
  if (a.verb !== 'delete' || a.subresource) return deny(`node "${node}" can only read persistentvolumes`);
  const pv = graph.persistentVolume(a.name);
  if (!pv) return ALLOW; // nothing to delete: the handler answers 404
  if (pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] !== LOCAL_PATH_PROVISIONER) {
    return deny(`node "${node}" can only delete local-path volumes on it`);
  }
  const required = (pv.spec as { nodeAffinity?: { required?: NodeSelector } } | undefined)?.nodeAffinity?.required;
  const nodeObj = graph.node(node);
  const identity = { name: node, labels: nodeObj?.metadata.labels ?? { 'kubernetes.io/hostname': node } };
  if (!required || !nodeSelectorMatches(required, identity)) return deny(`node "${node}" can only delete local-path volumes on it`);
  return ALLOW;
}

function leaseAccess(node: string, a: RequestAttributes): Decision {
  if (a.subresource) return deny(`node "${node}" cannot ${a.verb} leases/${a.subresource}`);
  if (a.namespace !== NODE_LEASE_NAMESPACE) return deny(`node "${node}" can only access leases in the ${NODE_LEASE_NAMESPACE} namespace`);
  if (a.verb === 'create') return ALLOW; // the body's name is checked by nodeAdmission
  if (['get', 'update', 'patch', 'delete'].includes(a.verb)) {
    return a.name === node ? ALLOW : deny(`node "${node}" can only access its own lease`);
  }
  return deny(`node "${node}" can only access its own lease`);
}

/**
 * Creates whose target is only known from the body: a node registers only itself,
 * takes only its own Lease, and creates only mirror pods bound to it.
 * Returns undefined when allowed, else the reason.
 */
export function nodeAdmission(node: string, a: RequestAttributes, obj: KubeObject): string | undefined {
  if (a.verb !== 'create' || a.subresource) return undefined;
  const name = obj.metadata?.name;
  switch (`${a.apiGroup}/${a.resource}`) {
    case '/nodes':
      return name === node ? undefined : `node "${node}" is not allowed to create a Node named "${name ?? ''}"`;
    case 'coordination.k8s.io/leases':
      return name === node ? undefined : `node "${node}" can only create its own lease`;
    case '/pods': {
      if (obj.metadata?.annotations?.[MIRROR_POD_ANNOTATION] === undefined) return `node "${node}" can only create mirror pods`;
      const bound = (obj.spec as { nodeName?: unknown } | undefined)?.nodeName;
      if (bound !== node) return `node "${node}" can only create pods with spec.nodeName set to itself`;
      return mirrorPodRestriction(node, obj);
    }
  }
  return undefined;
}

/**
 * What a mirror pod may not carry. The node may read what pods bound to it refer to,
 * so a mirror pod naming a Secret, ConfigMap or claim would hand the node that object;
 * and it may only be owned (as a controller) by the node itself.
 */
function mirrorPodRestriction(node: string, pod: KubeObject): string | undefined {
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length > 1) return `node "${node}" can only create pods with a single owner reference set to itself`;
  const [owner] = owners;
  if (owner) {
    if (owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) return `node "${node}" can only create pods with an owner reference set to itself`;
    if (owner.controller !== true) return `node "${node}" can only create pods with a controller owner reference set to itself`;
    if (owner.blockOwnerDeletion === true) return `node "${node}" must not set blockOwnerDeletion on an owner reference`;
  }
  const spec = pod.spec as { serviceAccountName?: string; serviceAccount?: string } | undefined;
  if (spec?.serviceAccountName || spec?.serviceAccount) return `node "${node}" can not create pods that reference a service account`;
  const refs = podReferences(pod);
  for (const kind of ['secrets', 'configmaps', 'persistentvolumeclaims'] as const) {
    if (refs.some((r) => r.startsWith(`${kind}/`))) return `node "${node}" can not create pods that reference ${kind}`;
  }
  return undefined;
}
