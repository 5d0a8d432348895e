// Authorization: who may do what. There is no RBAC yet, so the rules are fixed:
// system:masters and every other authenticated component or token-file user may do
// anything; nodes go through the node authorizer; bootstrap tokens may only ask
// for a certificate; anonymous requests may only read the cluster-info ConfigMap.
import { ApiError, statusOf } from '../../api/errors.js';
import type { UserInfo } from './authenticate.js';
import { authorizeNode, nodeAdmission, nodeIdentity, nodeNameOf, NODES_GROUP, type Decision } from './node-authorizer.js';
import type { KubeObject } from '../../api/meta.js';
import type { NodeGraphView } from './node-graph.js';
import type { RequestAttributes } from './request-attributes.js';

export type { Decision };

export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const MASTERS_GROUP = 'system:masters';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const CLUSTER_INFO = { namespace: 'kube-public', name: 'cluster-info' };

export const anonymousUser = (): UserInfo => ({ name: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] });

const ALLOW: Decision = { allowed: true };

/** Non-resource paths every authenticated user reads: what system:discovery and system:public-info-viewer grant. */
export function isDiscoveryPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/apis' || path.startsWith('/apis/')
    || path === '/openapi' || path.startsWith('/openapi/') || path === '/version'
    || path === '/healthz' || path === '/livez' || path === '/readyz';
}

function isClusterInfoGet(a: RequestAttributes): boolean {
  return a.isResourceRequest && a.verb === 'get' && a.apiGroup === '' && a.resource === 'configmaps' && !a.subresource
    && a.namespace === CLUSTER_INFO.namespace && a.name === CLUSTER_INFO.name;
}

export function authorize(user: UserInfo, a: RequestAttributes, graph: NodeGraphView): Decision {
  const groups = user.groups;
  if (groups.includes(MASTERS_GROUP)) return ALLOW;
  if (user.name === ANONYMOUS_USER || groups.includes(UNAUTHENTICATED_GROUP)) {
    return isClusterInfoGet(a) ? ALLOW : { allowed: false, reason: 'anonymous requests may only read the cluster-info ConfigMap' };
  }
  if (!a.isResourceRequest && a.verb === 'get' && isDiscoveryPath(a.path)) return ALLOW;

  const node = nodeNameOf(user.name);
  if (node !== undefined || groups.includes(NODES_GROUP)) {
    // a node identity needs both halves, like Kubernetes' node identifier; half of one gets nothing
    if (node === undefined || !groups.includes(NODES_GROUP)) {
      return { allowed: false, reason: 'node identities need the user name system:node:<name> and the group system:nodes' };
    }
    return authorizeNode(node, a, graph);
  }
  if (groups.includes(BOOTSTRAPPERS_GROUP)) {
    if (isClusterInfoGet(a)) return ALLOW;
    const csr = a.isResourceRequest && a.apiGroup === 'certificates.k8s.io' && a.resource === 'certificatesigningrequests' && !a.subresource;
    if (csr && ['create', 'get', 'list', 'watch'].includes(a.verb)) return ALLOW;
    return { allowed: false, reason: 'bootstrap tokens may only create and read certificatesigningrequests' };
  }
  return ALLOW;
}

/** Checks on a create's body after authorization (the NodeRestriction part): the reason to refuse, or undefined. */
export function admitCreate(user: UserInfo, a: RequestAttributes, obj: KubeObject): string | undefined {
  if (user.groups.includes(MASTERS_GROUP)) return undefined;
  const node = nodeIdentity(user);
  return node !== undefined ? nodeAdmission(node, a, obj) : undefined;
}

/** The 403 Kubernetes answers, word for word: `pods "x" is forbidden: User "u" cannot delete resource "pods" in API group "" in the namespace "ns": why`. */
export function forbidden(user: UserInfo, a: RequestAttributes, reason: string): ApiError {
  const why = reason ? `: ${reason}` : '';
  if (!a.isResourceRequest) {
    return new ApiError(statusOf(403, 'Forbidden', `forbidden: User "${user.name}" cannot ${a.verb} path "${a.path}"${why}`, {}));
  }
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const msg = `User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}${why}`;
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const head = a.name ? `${qualified} "${a.name}" is forbidden` : `${qualified} is forbidden`;
  return new ApiError(statusOf(403, 'Forbidden', `${head}: ${msg}`, {
    name: a.name || undefined, group: a.apiGroup || undefined, kind: a.resource,
  }));
}
