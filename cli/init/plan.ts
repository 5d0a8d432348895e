// What `kubelite init` sets up, as a pure function of its flags: the cluster
// configuration (cli/up's ClusterConfig, so the component flags are the ones
// `kubelite up` uses and are tested there) plus what a multi-host control plane
// adds: the control-plane taint, the Docker endpoint. (The control-plane label is
// set by init itself with the admin credentials once the Node exists, as kubeadm's
// mark-control-plane does: a kubelet may not give itself a node-role label. The
// controller-manager's signing CA flags come from componentSpecs, as in `up`.)
import { componentSpecs, type ComponentName } from '../up/components.js';
import { resolveConfig, type ClusterConfig } from '../up/config.js';
import type { HostComponent, HostConfig } from '../start/host-config.js';

export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane:NoSchedule';
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

export interface InitFlags {
  advertiseAddress?: string;
  podNetworkCidr: string;
  serviceCidr: string;
  dataDir: string;
  nodeName: string;
  apiserverPort: number;
  systemd: boolean;
  scheduleOnControlPlane: boolean;
  clusterName: string;
  dockerHost: string;
  kubeletPort: number;
  dnsPort: number;
  proxyMetricsPort: number;
  dnsMetricsPort: number;
  proxyMode: string;
}

export interface InitPlan {
  cfg: ClusterConfig;
  host: HostConfig;
}

/** cli/up's messages name up's flags; init's are called differently */
function initFlagNames(e: unknown): Error {
  const m = (e as Error).message.replace('--node-ip', '--advertise-address').replace('--cluster-cidr', '--pod-network-cidr').replace(/--port\b/, '--apiserver-port');
  return new Error(m);
}

export function planInit(f: InitFlags, defaultIP: string | undefined): InitPlan {
  let cfg: ClusterConfig;
  try {
    cfg = resolveConfig({
      clusterName: f.clusterName, dataDir: f.dataDir, nodeName: f.nodeName, nodeIp: f.advertiseAddress, port: f.apiserverPort,
      serviceCidr: f.serviceCidr, clusterCidr: f.podNetworkCidr, serviceNodePortRange: '30000-32767', dnsPort: f.dnsPort,
      clusterDomain: 'cluster.local', proxyMode: f.proxyMode, kubeletPort: f.kubeletPort, proxyMetricsPort: f.proxyMetricsPort,
      dnsMetricsPort: f.dnsMetricsPort, kubeconfigMerge: false, kubeconfigPath: '',
    }, defaultIP);
  } catch (e) {
    throw initFlagNames(e);
  }
  const extra: Partial<Record<ComponentName, string[]>> = {
    kubelet: [
      '--docker-host', f.dockerHost,
      ...(f.scheduleOnControlPlane ? [] : ['--register-with-taints', CONTROL_PLANE_TAINT]),
    ],
  };
  const components: HostComponent[] = componentSpecs(cfg).map((s) => ({ name: s.name, args: [...s.args, ...(extra[s.name] ?? [])] }));
  const host: HostConfig = {
    version: 1,
    role: 'control-plane',
    clusterName: cfg.clusterName,
    dataDir: cfg.dataDir,
    nodeName: cfg.nodeName,
    nodeIP: cfg.nodeIP,
    server: `https://${cfg.nodeIP}:${cfg.apiserverPort}`,
    apiserverPort: cfg.apiserverPort,
    dockerHost: f.dockerHost,
    cluster: cfg,
    components,
    systemd: f.systemd,
  };
  return { cfg, host };
}
