// Host-level names a cluster creates (nft table, iptables chain prefix, bridges,
// kubeconfig entries), all derived from the cluster name so that a second cluster
// (a test's) can run next to the default one on the same machine.
import { createHash } from 'node:crypto';

export interface HostNames {
  /** nft table (ip family) of the proxy */
  nftTable: string;
  /** iptables chain prefix of the proxy: KUBE → KUBE-SERVICES, KUBE-SVC-… (≤ 7 chars) */
  chainPrefix: string;
  /** empty bridge the service CIDR is routed into (≤ 15 chars) */
  serviceBridge: string;
  /** bridge IPVS mode binds VIPs to (≤ 15 chars) */
  ipvsBridge: string;
  /** kubeconfig cluster and context name; the user is `<context>-admin` */
  context: string;
}

export const DEFAULT_CLUSTER_NAME = 'kubelite';

/** Like a DNS label: lower-case letters, digits and '-', 1-40 characters. */
export function validateClusterName(name: string): void {
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(name)) {
    throw new Error(`--cluster-name "${name}" must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit`);
  }
}

/**
 * The default cluster keeps the proxy's own defaults (what people find in docs and
 * `nft list ruleset`); any other name gets short hashed names, because interface
 * names stop at 15 characters and chain prefixes at 7.
 */
export function hostNames(clusterName: string): HostNames {
  validateClusterName(clusterName);
  if (clusterName === DEFAULT_CLUSTER_NAME) {
    return { nftTable: 'kubelite', chainPrefix: 'KUBE', serviceBridge: 'kube-svc0', ipvsBridge: 'kube-ipvs0', context: 'kubelite' };
  }
  const h = createHash('sha256').update(clusterName).digest('hex');
  return {
    nftTable: `kubelite-${clusterName}`,
    chainPrefix: `K${h.slice(0, 5).toUpperCase()}`,
    serviceBridge: `ksvc-${h.slice(0, 8)}`,
    ipvsBridge: `kipvs-${h.slice(0, 8)}`,
    context: clusterName,
  };
}
