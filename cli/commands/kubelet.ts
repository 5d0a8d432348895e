import type { Command } from 'commander';
import pino from 'pino';
import { superviseProcess, parseIntFlag } from './daemon.js';

export function registerKubelet(program: Command): void {
  program
    .command('kubelet')
    .description('Run the node agent: registers the node and runs the pods bound to it in Docker.')
    .option('--kubeconfig <file>', 'credentials for the apiserver (a system:node:<name> client certificate); required unless --cleanup')
    .requiredOption('--node-name <name>', 'name of the Node object this kubelet registers')
    .option('--root-dir <dir>', 'pod directories, volumes and per-pod files', '/var/lib/kubelite/kubelet')
    .option('--pod-cidr <cidr>', 'pod subnet when the control plane assigns none, e.g. 10.244.1.0/24')
    .option('--pod-manifest-path <dir>', 'directory of static pod manifests (YAML or JSON)')
    .option('--max-pods <n>', 'pods this node accepts (reported as capacity)', parseIntFlag('max-pods'), 110)
    .option('--docker-host <url>', 'Docker endpoint', 'unix:///var/run/docker.sock')
    .option('--node-ip <ip>', 'InternalIP to report (default: first non-loopback IPv4 address)')
    .option('--cluster-dns <ip>', 'nameserver for ClusterFirst pods (host resolv.conf when unset)')
    .option('--grpc-port <port>', 'port of the logs/exec/port-forward/stats gRPC service', parseIntFlag('grpc-port'), 10250)
    .option('--grpc-bind-address <ip>', 'address the gRPC service listens on', '0.0.0.0')
    .option('--tls-cert-file <file>', 'gRPC serving certificate (self-signed when unset)')
    .option('--tls-private-key-file <file>', 'key of --tls-cert-file')
    .option('--client-ca-file <file>', 'CA that signs gRPC client certificates (default: the kubeconfig CA)')
    .option('--parallel-pod-starts <n>', 'pods whose sandbox and containers are started at the same time', parseIntFlag('parallel-pod-starts'), 4)
    .option('--node-lease-duration-seconds <s>', 'duration of the node Lease; it is renewed every quarter of it', parseIntFlag('node-lease-duration-seconds'), 40)
    .option('--cluster-cidr <cidr>', 'pod IP range of the whole cluster: routed between nodes and not masqueraded', '10.244.0.0/16')
    .option('--pod-routes', 'route other nodes\' podCIDRs via their InternalIP (host-gw) and install the pod-network iptables rules (default)')
    .option('--no-pod-routes', 'do not route other nodes\' podCIDRs via their InternalIP nor install the pod-network iptables rules')
    .option('--iptables-masquerade-bit <n>', 'packet mark bit the proxy uses to request SNAT; such pod traffic stays masqueraded', parseIntFlag('iptables-masquerade-bit'), 14)
    .option('--register-with-taints <taints>', 'taints the Node is registered with: key=value:Effect,key:Effect (Effect: NoSchedule, PreferNoSchedule, NoExecute)')
    .option('--node-labels <labels>', 'labels added to the Node: key=value,key2=value2 (not node-role.kubernetes.io/* nor other kubernetes.io/k8s.io labels outside the kubelet\'s own: the apiserver refuses those from a node)')
    .option('--cleanup', 'remove the routes, iptables rules/chains and pod bridge this node\'s kubelet installed, then exit')
    .option('--v, --log-level <level>', 'log level (debug, info, warn, error)', 'info')
    .addHelpText('after', `
Examples:
  kubelite kubelet --kubeconfig /etc/kubelite/kubelet.kubeconfig --node-name node-1 --pod-cidr 10.244.1.0/24
  kubelite kubelet --kubeconfig k.conf --node-name dev --root-dir ./kubelet --pod-manifest-path ./manifests --grpc-port 10250
  kubelite kubelet --kubeconfig k.conf --node-name cp --register-with-taints node-role.kubernetes.io/control-plane:NoSchedule --node-labels example.com/rack=r1
  kubelite kubelet --cleanup --node-name node-1`)
    .action(async (o: {
      kubeconfig?: string; nodeName: string; clusterCidr: string; podRoutes?: boolean; iptablesMasqueradeBit: number; cleanup?: boolean; rootDir: string; podCidr?: string; podManifestPath?: string; maxPods: number;
      dockerHost: string; nodeIp?: string; clusterDns?: string; grpcPort: number; grpcBindAddress: string;
      tlsCertFile?: string; tlsPrivateKeyFile?: string; clientCaFile?: string; parallelPodStarts: number; nodeLeaseDurationSeconds: number; logLevel: string;
      registerWithTaints?: string; nodeLabels?: string;
    }) => {
      const logger = pino({ name: 'kubelet', level: o.logLevel });
      if (o.cleanup) {
        const { cleanupPodNetwork } = await import('../../kubelet/pod-routes-controller.js');
        const removed = await cleanupPodNetwork(o.nodeName, logger);
        logger.info({ node: o.nodeName, ...removed }, 'pod network cleaned up');
        process.exit(0);
      }
      if (!o.kubeconfig) throw new Error("required option '--kubeconfig <file>' not specified");
      const { parseNodeLabels, parseTaints, withoutLegacyInitLabel, LEGACY_INIT_NODE_LABEL } = await import('../../kubelet/registration-flags.js');
      const registerWithTaints = parseTaints(o.registerWithTaints ?? '');
      const legacy = withoutLegacyInitLabel(o.nodeLabels ?? '');
      if (legacy.dropped) {
        logger.warn({ label: LEGACY_INIT_NODE_LABEL }, '--node-labels: a node may not label itself a control plane; ignoring this label (kubelite init sets it with the admin credentials). Remove it from the kubelet\'s arguments');
      }
      const nodeLabels = parseNodeLabels(legacy.spec);
      if (o.iptablesMasqueradeBit < 0 || o.iptablesMasqueradeBit > 31) throw new Error('--iptables-masquerade-bit must be 0..31');
      const { run } = await import('../../kubelet/main.js');
      let closing: (() => Promise<void>) | undefined;
      superviseProcess(logger, async () => {
        await closing?.();
      });
      const kubelet = await run({
        kubeconfig: o.kubeconfig, nodeName: o.nodeName, rootDir: o.rootDir, podCIDR: o.podCidr, podManifestPath: o.podManifestPath,
        maxPods: o.maxPods, dockerHost: o.dockerHost, nodeIP: o.nodeIp, clusterDNS: o.clusterDns, grpcPort: o.grpcPort,
        grpcBindAddress: o.grpcBindAddress, tlsCertFile: o.tlsCertFile, tlsPrivateKeyFile: o.tlsPrivateKeyFile, clientCAFile: o.clientCaFile, parallelPodStarts: Math.max(1, o.parallelPodStarts), nodeLeaseDurationSeconds: Math.max(1, o.nodeLeaseDurationSeconds),
        clusterCIDR: o.clusterCidr, podRoutes: o.podRoutes, masqueradeBit: o.iptablesMasqueradeBit, registerWithTaints, nodeLabels, logger,
      });
      closing = () => kubelet.close();
    });
}
