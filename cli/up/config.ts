// What `kubelite up` runs, resolved once from flags and machine facts and kept in
// <data-dir>/cluster.json: the supervisor starts from it and `down --purge` knows
// from it what to remove.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cidrContains, cidrsOverlap, isIPv4, nodeCidrMaskSize, nthAddress, parseCidr } from './cidr.js';
import { hostNames, type HostNames } from './names.js';

export type ProxyMode = 'nftables' | 'iptables' | 'ipvs';

export interface ClusterConfig {
  clusterName: string;
  dataDir: string;
  nodeName: string;
  nodeIP: string;
  apiserverPort: number;
  serviceCIDR: string;
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
  nodePortRange: string;
  /** port the DNS server listens on (the kube-dns Service maps 53 to it) */
  dnsPort: number;
  dnsServiceIP: string;
  clusterDomain: string;
  loadBalancerIPPool: string;
  proxyMode: ProxyMode;
  /** CIDRs whose local addresses answer NodePorts; all local addresses when unset */
  nodePortAddresses?: string[];
  kubeletPort: number;
  /** 127.0.0.1 port of the proxy's /metrics and /healthz; 0: off */
  proxyMetricsPort: number;
  /** 127.0.0.1 port of the DNS server's /healthz, /readyz and /metrics; 0: off */
  dnsMetricsPort: number;
  /** kubeconfig the cluster's context was merged into; undefined with --no-kubeconfig-merge */
  kubeconfigPath?: string;
  names: HostNames;
}

/** Flags as commander hands them over (defaults applied). */
export interface UpFlags {
  clusterName: string;
  dataDir: string;
  nodeName: string;
  nodeIp?: string;
  port: number;
  serviceCidr: string;
  clusterCidr: string;
  serviceNodePortRange: string;
  dnsPort: number;
  clusterDomain: string;
  loadBalancerIpPool?: string;
  proxyMode: string;
  nodeportAddresses?: string;
  kubeletPort: number;
  proxyMetricsPort: number;
  dnsMetricsPort: number;
  kubeconfigMerge: boolean;
  kubeconfigPath: string;
}

function checkPort(flag: string, n: number, allowZero = false): void {
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) throw new Error(`${flag} must be a port number (got ${n})`);
}

/** Pure: flags plus the default node IP → the cluster's configuration, or an error naming the flag. */
export function resolveConfig(f: UpFlags, defaultNodeIP: string | undefined): ClusterConfig {
  const names = hostNames(f.clusterName);
  const nodeIP = f.nodeIp ?? defaultNodeIP;
  if (!nodeIP) throw new Error('cannot find the address of the default-route interface; give one with --node-ip');
  if (!isIPv4(nodeIP)) throw new Error(`--node-ip "${nodeIP}" is not an IPv4 address`);
  if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(f.nodeName)) {
    throw new Error(`--node-name "${f.nodeName}" must be a lower-case DNS name (letters, digits, '-', '.')`);
  }
  parseCidr(f.serviceCidr, '--service-cidr');
  parseCidr(f.clusterCidr, '--cluster-cidr');
  if (cidrsOverlap(f.serviceCidr, f.clusterCidr)) throw new Error(`--service-cidr ${f.serviceCidr} overlaps --cluster-cidr ${f.clusterCidr}`);
  if (cidrContains(f.clusterCidr, nodeIP) || cidrContains(f.serviceCidr, nodeIP)) {
    throw new Error(`--node-ip ${nodeIP} lies inside the pod or service range`);
  }
  if (parseCidr(f.serviceCidr).bits > 28) throw new Error(`--service-cidr ${f.serviceCidr} is too small (at most /28)`);
  checkPort('--port', f.port);
  checkPort('--dns-port', f.dnsPort);
  checkPort('--kubelet-port', f.kubeletPort);
  checkPort('--proxy-metrics-port', f.proxyMetricsPort, true);
  checkPort('--dns-metrics-port', f.dnsMetricsPort, true);
  if (!/^\d+-\d+$/.test(f.serviceNodePortRange)) throw new Error(`--service-node-port-range "${f.serviceNodePortRange}" must look like 30000-32767`);
  if (f.proxyMode !== 'nftables' && f.proxyMode !== 'iptables' && f.proxyMode !== 'ipvs') {
    throw new Error(`--proxy-mode must be nftables, iptables or ipvs (got "${f.proxyMode}")`);
  }
  const nodePortAddresses = f.nodeportAddresses?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of nodePortAddresses ?? []) parseCidr(c, '--nodeport-addresses');
  return {
    clusterName: f.clusterName,
    dataDir: f.dataDir,
    nodeName: f.nodeName,
    nodeIP,
    apiserverPort: f.port,
    serviceCIDR: f.serviceCidr,
    clusterCIDR: f.clusterCidr,
    nodeCIDRMaskSize: nodeCidrMaskSize(f.clusterCidr),
    nodePortRange: f.serviceNodePortRange,
    dnsPort: f.dnsPort,
    dnsServiceIP: nthAddress(f.serviceCidr, 10),
    clusterDomain: f.clusterDomain,
    loadBalancerIPPool: f.loadBalancerIpPool ?? nodeIP,
    proxyMode: f.proxyMode,
    nodePortAddresses: nodePortAddresses?.length ? nodePortAddresses : undefined,
    kubeletPort: f.kubeletPort,
    proxyMetricsPort: f.proxyMetricsPort,
    dnsMetricsPort: f.dnsMetricsPort,
    kubeconfigPath: f.kubeconfigMerge ? f.kubeconfigPath : undefined,
    names,
  };
}

export const CONFIG_FILE = 'cluster.json';

export async function writeConfig(cfg: ClusterConfig): Promise<void> {
  const path = join(cfg.dataDir, CONFIG_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function readConfig(dataDir: string): Promise<ClusterConfig | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, CONFIG_FILE), 'utf8')) as ClusterConfig;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${join(dataDir, CONFIG_FILE)}: ${(e as Error).message}`);
  }
}
