// The command line of every component `kubelite up` runs, as a pure function of
// the cluster's configuration (so the flags are unit tested, not discovered at runtime).
import { join } from 'node:path';
import type { ClusterConfig } from './config.js';

export type ComponentName = 'apiserver' | 'controller-manager' | 'scheduler' | 'kubelet' | 'proxy' | 'dns';

export interface ComponentSpec {
  name: ComponentName;
  /** arguments after `kubelite` */
  args: string[];
  logFile: string;
}

/** Started first; the others only once it answers /readyz. Stopped last. */
export const CONTROL_PLANE_FIRST: ComponentName = 'apiserver';
/** The order they start in; they stop in the reverse order. */
export const COMPONENT_ORDER: ComponentName[] = ['apiserver', 'controller-manager', 'scheduler', 'dns', 'proxy', 'kubelet'];

export interface Paths {
  pki: string;
  logs: string;
  kubeletRoot: string;
  kubeconfig(component: ComponentName): string;
  adminKubeconfig: string;
}

export function clusterPaths(dataDir: string): Paths {
  const pki = join(dataDir, 'pki');
  return {
    pki,
    logs: join(dataDir, 'logs'),
    kubeletRoot: join(dataDir, 'kubelet'),
    kubeconfig: (c) => join(pki, `${c}.kubeconfig`),
    // written by the apiserver itself
    adminKubeconfig: join(dataDir, 'admin.kubeconfig'),
  };
}

export function componentSpecs(cfg: ClusterConfig): ComponentSpec[] {
  const p = clusterPaths(cfg.dataDir);
  const log = (c: ComponentName) => join(p.logs, `${c}.log`);
  const specs: Record<ComponentName, string[]> = {
    apiserver: [
      'apiserver', '--data-dir', cfg.dataDir, '--secure-port', String(cfg.apiserverPort),
      '--advertise-address', cfg.nodeIP, '--service-cluster-ip-range', cfg.serviceCIDR,
      '--service-node-port-range', cfg.nodePortRange,
    ],
    'controller-manager': [
      'controller-manager', '--kubeconfig', p.kubeconfig('controller-manager'),
      '--cluster-cidr', cfg.clusterCIDR, '--node-cidr-mask-size', String(cfg.nodeCIDRMaskSize),
      '--cluster-signing-cert-file', join(p.pki, 'ca.crt'), '--cluster-signing-key-file', join(p.pki, 'ca.key'),
    ],
    scheduler: ['scheduler', '--kubeconfig', p.kubeconfig('scheduler')],
    dns: [
      // The node IP, not 0.0.0.0: a UDP socket on the wildcard answers a DNAT'd query
      // (pod or host → Service IP) from whatever source the route picks, which
      // conntrack then cannot match to the query, so the client never sees it.
      'dns', '--kubeconfig', p.kubeconfig('dns'), '--listen', `${cfg.nodeIP}:${cfg.dnsPort}`,
      '--advertise-address', cfg.nodeIP, '--service-ip', cfg.dnsServiceIP, '--cluster-domain', cfg.clusterDomain,
      '--health-bind-address', cfg.dnsMetricsPort ? `127.0.0.1:${cfg.dnsMetricsPort}` : '',
    ],
    proxy: [
      'proxy', '--kubeconfig', p.kubeconfig('proxy'), '--node-name', cfg.nodeName, '--mode', cfg.proxyMode,
      '--cluster-cidr', cfg.clusterCIDR, '--service-cidr', cfg.serviceCIDR,
      '--load-balancer-ip-pool', cfg.loadBalancerIPPool,
      ...(cfg.nodePortAddresses ? ['--nodeport-addresses', cfg.nodePortAddresses.join(',')] : []),
      '--metrics-bind-address', cfg.proxyMetricsPort ? `127.0.0.1:${cfg.proxyMetricsPort}` : '',
      ...proxyNameFlags(cfg),
    ],
    kubelet: [
      'kubelet', '--kubeconfig', p.kubeconfig('kubelet'), '--node-name', cfg.nodeName, '--node-ip', cfg.nodeIP,
      '--root-dir', p.kubeletRoot, '--cluster-dns', cfg.dnsServiceIP, '--cluster-cidr', cfg.clusterCIDR,
      '--grpc-port', String(cfg.kubeletPort),
      '--tls-cert-file', join(p.pki, 'kubelet.crt'), '--tls-private-key-file', join(p.pki, 'kubelet.key'),
      '--client-ca-file', join(p.pki, 'ca.crt'),
    ],
  };
  return COMPONENT_ORDER.map((name) => ({ name, args: specs[name], logFile: log(name) }));
}

/** The names the proxy ran with: `proxy --cleanup` needs the same ones. */
export function proxyNameFlags(cfg: ClusterConfig): string[] {
  return ['--table-name', cfg.names.nftTable, '--chain-prefix', cfg.names.chainPrefix,
    '--service-bridge', cfg.names.serviceBridge, '--ipvs-bridge', cfg.names.ipvsBridge];
}

export function proxyCleanupArgs(cfg: ClusterConfig): string[] {
  return ['proxy', '--cleanup', '--service-cidr', cfg.serviceCIDR, '--cluster-cidr', cfg.clusterCIDR, ...proxyNameFlags(cfg)];
}

export function kubeletCleanupArgs(cfg: ClusterConfig): string[] {
  return ['kubelet', '--cleanup', '--node-name', cfg.nodeName, '--cluster-cidr', cfg.clusterCIDR];
}
