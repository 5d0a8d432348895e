// Which labels a kubelet may put on its own Node, as in Kubernetes' NodeRestriction
// admission plugin and the kubelet's own --node-labels check: anything outside the
// kubernetes.io and k8s.io namespaces, and inside them only what kubelets report
// about themselves. A node that could set node-role.kubernetes.io/* or
// node-restriction.kubernetes.io/* labels could steer workloads meant for other
// nodes (selected by those labels) to itself.

/** Labels kubelets set on their Node (k8s.io/kubelet's well-known labels). */
const KUBELET_LABELS: ReadonlySet<string> = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);

/** Label namespaces (and their subdomains) that belong to kubelets. */
const KUBELET_LABEL_NAMESPACES: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** Labels only cluster administrators set: nodes may never add, change or remove them. */
export const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

function namespaceOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function inDomain(namespace: string, domain: string): boolean {
  return namespace === domain || namespace.endsWith(`.${domain}`);
}

export function isKubeletLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const ns = namespaceOf(key);
  return KUBELET_LABEL_NAMESPACES.some((d) => inDomain(ns, d));
}

function isKubernetesLabel(key: string): boolean {
  const ns = namespaceOf(key);
  return inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io');
}

/** The keys among `keys` that a node may not set, change or remove on its own Node, sorted. */
export function labelsForbiddenToNodes(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    if (inDomain(namespaceOf(key), NODE_RESTRICTION_LABEL_NAMESPACE)) out.add(key);
    else if (isKubernetesLabel(key) && !isKubeletLabel(key)) out.add(key);
  }
  return [...out].sort();
}

/** Keys present in only one of the maps or with different values. */
export function modifiedLabelKeys(a: Record<string, string> | undefined, b: Record<string, string> | undefined): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(a ?? {})) if (b?.[k] !== v) out.add(k);
  for (const [k, v] of Object.entries(b ?? {})) if (a?.[k] !== v) out.add(k);
  return [...out];
}
