// A worker's setup as a pure function of join's flags and the settings the
// control plane published in cluster-info: the kubelet and the proxy, both with
// the node's own credentials (<data-dir>/kubelet.kubeconfig).
import { join } from 'node:path';
import { proxyNameFlags } from '../up/components.js';
import { resolveConfig, type ClusterConfig } from '../up/config.js';
import type { HostConfig } from '../start/host-config.js';
import type { ClusterSettings } from '../init/cluster-info.js';

export interface JoinFlags {
  dataDir: string;
  nodeName: string;
  nodeIp?: string;
  dockerHost: string;
  kubeletPort: number;
  proxyMetricsPort: number;
  systemd: boolean;
}

export interface WorkerPaths {
  pki: string;
  ca: string;
  kubeconfig: string;
  servingCert: string;
  servingKey: string;
  kubeletRoot: string;
}

export function workerPaths(dataDir: string): WorkerPaths {
  const pki = join(dataDir, 'pki');
  return {
    pki, ca: join(pki, 'ca.crt'), kubeconfig: join(dataDir, 'kubelet.kubeconfig'),
    servingCert: join(pki, 'kubelet.crt'), servingKey: join(pki, 'kubelet.key'), kubeletRoot: join(dataDir, 'kubelet'),
  };
}

export function workerClusterConfig(f: JoinFlags, s: ClusterSettings, defaultIP: string | undefined): ClusterConfig {
  return resolveConfig({
    clusterName: s.clusterName, dataDir: f.dataDir, nodeName: f.nodeName, nodeIp: f.nodeIp, port: 6443,
    serviceCidr: s.serviceCIDR, clusterCidr: s.clusterCIDR, serviceNodePortRange: '30000-32767', dnsPort: 53,
    clusterDomain: s.clusterDomain, proxyMode: s.proxyMode, kubeletPort: f.kubeletPort, proxyMetricsPort: f.proxyMetricsPort,
    dnsMetricsPort: 0, kubeconfigMerge: false, kubeconfigPath: '',
  }, defaultIP);
}

/** `servingCert`: whether a CA-signed serving certificate was obtained (else the kubelet makes a self-signed one). */
export function planWorker(f: JoinFlags, server: string, cfg: ClusterConfig, s: ClusterSettings, servingCert: boolean): HostConfig {
  const p = workerPaths(f.dataDir);
  return {
    version: 1,
    role: 'worker',
    clusterName: cfg.clusterName,
    dataDir: f.dataDir,
    nodeName: cfg.nodeName,
    nodeIP: cfg.nodeIP,
    server,
    dockerHost: f.dockerHost,
    cluster: cfg,
    components: [
      {
        name: 'proxy',
        args: [
          'proxy', '--kubeconfig', p.kubeconfig, '--node-name', cfg.nodeName, '--mode', cfg.proxyMode,
          '--cluster-cidr', cfg.clusterCIDR, '--service-cidr', cfg.serviceCIDR,
          '--metrics-bind-address', cfg.proxyMetricsPort ? `127.0.0.1:${cfg.proxyMetricsPort}` : '',
          ...proxyNameFlags(cfg),
        ],
      },
      {
        name: 'kubelet',
        args: [
          'kubelet', '--kubeconfig', p.kubeconfig, '--node-name', cfg.nodeName, '--node-ip', cfg.nodeIP,
          '--root-dir', p.kubeletRoot, '--cluster-dns', s.clusterDNS, '--cluster-cidr', cfg.clusterCIDR,
          '--grpc-port', String(cfg.kubeletPort), '--client-ca-file', p.ca, '--docker-host', f.dockerHost,
          ...(servingCert ? ['--tls-cert-file', p.servingCert, '--tls-private-key-file', p.servingKey] : []),
        ],
      },
    ],
    systemd: f.systemd,
  };
}
