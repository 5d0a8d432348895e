// core/v1 defaulting for the non-pod kinds (pkg/apis/core/v1/defaults.go, plus
// the v1 conversions that keep paired fields in step).
import { defaultPodTemplate } from './pod.js';
import type { Obj } from './util.js';
import { canonicalResourceList, ensureObj, isObj, objs, setDefault, setDefaultString } from './util.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

export function defaultNamespace(obj: Obj): void {
  const meta = ensureObj(obj, 'metadata');
  // Lets selectors pick namespaces by name (NetworkPolicy, namespaceSelector).
  if (typeof meta.name === 'string' && meta.name) ensureObj(meta, 'labels')[NAMESPACE_NAME_LABEL] = meta.name;
  // Only when absent: the namespace controller empties the list through /finalize.
  setDefault(ensureObj(obj, 'spec'), 'finalizers', ['kubernetes']);
  setDefaultString(ensureObj(obj, 'status'), 'phase', 'Active');
}

function externallyAccessible(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function defaultService(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = isObj(spec.sessionAffinityConfig) && isObj(spec.sessionAffinityConfig.clientIP) ? spec.sessionAffinityConfig.clientIP : undefined;
    if (!clientIP || clientIP.timeoutSeconds == null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
    }
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  for (const p of objs(spec.ports)) {
    setDefaultString(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(String(spec.type))) setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (spec.type === 'ExternalName') return;
  // The apiserver's service REST: one family on a single-stack IPv4 cluster.
  if (typeof spec.clusterIP === 'string' && spec.clusterIP && !(Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0)) {
    spec.clusterIPs = [spec.clusterIP];
  }
  const headlessSelectorless = spec.clusterIP === 'None' && !(isObj(spec.selector) && Object.keys(spec.selector).length > 0);
  setDefault(spec, 'ipFamilyPolicy', headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
}

/** Type Opaque; `stringData` is a write-only convenience merged into `data` (it wins). */
export function defaultSecret(obj: Obj): void {
  setDefaultString(obj, 'type', 'Opaque');
  if (isObj(obj.stringData)) {
    const data = ensureObj(obj, 'data');
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete obj.stringData;
}

export function defaultNode(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  const cidrs = Array.isArray(spec.podCIDRs) ? spec.podCIDRs : [];
  if (typeof spec.podCIDR === 'string' && spec.podCIDR && cidrs.length === 0) spec.podCIDRs = [spec.podCIDR];
  else if (!spec.podCIDR && typeof cidrs[0] === 'string') spec.podCIDR = cidrs[0];
  if (!isObj(obj.status)) return;
  const status = obj.status;
  canonicalResourceList(status.capacity);
  canonicalResourceList(status.allocatable);
  if (!isObj(status.allocatable) && isObj(status.capacity)) status.allocatable = { ...status.capacity };
}

export function defaultEndpoints(obj: Obj): void {
  for (const subset of objs(obj.subsets)) for (const p of objs(subset.ports)) setDefaultString(p, 'protocol', 'TCP');
}

/** Shared by PersistentVolumeClaim objects and StatefulSet volumeClaimTemplates. */
export function defaultPersistentVolumeClaim(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultString(spec, 'volumeMode', 'Filesystem');
  if (isObj(spec.resources)) {
    canonicalResourceList(spec.resources.requests);
    canonicalResourceList(spec.resources.limits);
  }
  setDefaultString(ensureObj(obj, 'status'), 'phase', 'Pending');
}

export function defaultPersistentVolume(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefaultString(spec, 'volumeMode', 'Filesystem');
  canonicalResourceList(spec.capacity);
  if (isObj(spec.hostPath)) setDefault(spec.hostPath, 'type', '');
  setDefaultString(ensureObj(obj, 'status'), 'phase', 'Pending');
}

/** ReplicationController: selector and labels come from the template when unset. */
export function defaultReplicationController(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  const template = isObj(spec.template) ? spec.template : undefined;
  const labels = template && isObj(template.metadata) && isObj(template.metadata.labels) ? template.metadata.labels : undefined;
  if (labels) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = ensureObj(obj, 'metadata');
    if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  setDefault(spec, 'replicas', 1);
  if (template) defaultPodTemplate(template);
}
