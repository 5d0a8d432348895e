// The objects `kubelite init` publishes for joining nodes, as pure builders:
// ConfigMap kube-public/cluster-info (readable without credentials) holding a
// kubeconfig with the server and the CA (no user), plus the settings a worker's
// kubelet and proxy need, and the join command line.
import { buildKubeconfig } from '../../client/kubeconfig.js';
import type { ConfigMap, Namespace } from '../../api/types/index.js';

export const CLUSTER_INFO_NAMESPACE = 'kube-public';
export const CLUSTER_INFO_NAME = 'cluster-info';
/** key of the JSON cluster settings in cluster-info's data */
export const CLUSTER_SETTINGS_KEY = 'kubelite-config';

/** What a joining node needs to know about the cluster to configure its kubelet and proxy. */
export interface ClusterSettings {
  clusterName: string;
  clusterCIDR: string;
  serviceCIDR: string;
  clusterDNS: string;
  clusterDomain: string;
  proxyMode: string;
}

export function clusterInfoConfigMap(server: string, caPem: string, settings: ClusterSettings): ConfigMap {
  // a cluster and no credentials, like kubeadm's
  const kubeconfig = buildKubeconfig({ clusterName: settings.clusterName, server, caData: caPem, contextName: settings.clusterName, user: { name: 'anonymous' } });
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CLUSTER_INFO_NAME, namespace: CLUSTER_INFO_NAMESPACE },
    data: { kubeconfig, [CLUSTER_SETTINGS_KEY]: JSON.stringify(settings) },
  };
}

export function namespaceObject(name: string): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function joinCommand(server: string, token: string, caHash: string): string {
  return `kubelite join ${server.replace(/^https:\/\//, '')} --token ${token} --discovery-token-ca-cert-hash ${caHash}`;
}
