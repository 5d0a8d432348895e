import { Option, type Command } from 'commander';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseIntFlag } from './daemon.js';
import { parseDuration } from './controller-manager.js';
import { resolveConfig, type UpFlags } from '../up/config.js';
import { DEFAULT_CLUSTER_NAME } from '../up/names.js';
import { defaultNodeIP, isLocalAddress } from '../up/node-ip.js';

export const DEFAULT_DATA_DIR = join(homedir(), '.kubelite');

/** `kubelite down` plus the flags that find this cluster, for hints. */
export function downCommand(dataDir: string): string {
  return dataDir === DEFAULT_DATA_DIR ? 'kubelite down' : `kubelite down --data-dir ${dataDir}`;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Run a whole local cluster on this machine: apiserver, controller-manager, scheduler, kubelet, proxy and cluster DNS as supervised processes.')
    .option('--data-dir <dir>', 'database, certificates, kubeconfigs, logs and kubelet state', DEFAULT_DATA_DIR)
    .option('--cluster-name <name>', 'names the kubeconfig context and every host-level object (nft table, chains, bridges), so clusters can run side by side', DEFAULT_CLUSTER_NAME)
    .option('--port <port>', 'apiserver HTTPS port', parseIntFlag('port'), 6443)
    .option('--node-name <name>', 'name of this node', hostname().toLowerCase())
    .option('--node-ip <ip>', "this node's address (default: the address of the default-route interface)")
    .option('--service-cidr <cidr>', 'Service ClusterIP range; the cluster DNS gets its .10', '10.96.0.0/12')
    .option('--cluster-cidr <cidr>', 'pod range; this node gets a /24 of it (or all of it when smaller)', '10.244.0.0/16')
    .option('--service-node-port-range <range>', 'NodePort range', '30000-32767')
    .option('--load-balancer-ip-pool <pool>', 'addresses for LoadBalancer Services, a CIDR or IP,IP (default: the node IP)')
    .option('--nodeport-addresses <cidrs>', 'comma-separated CIDRs whose local addresses answer NodePorts (default: all)')
    .option('--dns-port <port>', 'port the cluster DNS listens on (its Service maps 53 to it)', parseIntFlag('dns-port'), 10053)
    .option('--cluster-domain <domain>', 'DNS domain of the cluster', 'cluster.local')
    .addOption(new Option('--proxy-mode <mode>', 'how Services are programmed').choices(['nftables', 'iptables', 'ipvs']).default('nftables'))
    .option('--kubelet-port <port>', "kubelet's logs/exec/port-forward port", parseIntFlag('kubelet-port'), 10250)
    .option('--proxy-metrics-port <port>', "proxy's /metrics and /healthz port on 127.0.0.1 (0: off)", parseIntFlag('proxy-metrics-port'), 10249)
    .option('--dns-metrics-port <port>', "cluster DNS's /healthz and /metrics port on 127.0.0.1 (0: off)", parseIntFlag('dns-metrics-port'), 9153)
    .option('--kubeconfig-path <file>', 'kubeconfig the cluster\'s context is merged into', join(homedir(), '.kube', 'config'))
    .option('--no-kubeconfig-merge', 'do not touch --kubeconfig-path (use <data-dir>/admin.kubeconfig)')
    .option('-d, --detach', 'start in the background and return once the cluster is ready (stop with kubelite down)', false)
    .addOption(new Option('--timeout <d>', 'how long to wait for each of the apiserver, the node and the DNS').argParser(parseDuration).default(120_000, '2m'))
    .addOption(new Option('--supervise', 'internal: the detached supervisor, reading <data-dir>/cluster.json').hideHelp())
    .addHelpText('after', `
Runs in the foreground (Ctrl-C stops everything) unless --detach. Each component
logs to <data-dir>/logs/<component>.log; a component that dies is restarted with
backoff. Installs and starts Docker when it is missing (Debian/Ubuntu, as root).

Examples:
  kubelite up                            # foreground, data in ~/.kubelite, context "kubelite"
  kubelite up --detach && kubectl get nodes
  kubelite up -d --cluster-name dev --data-dir /tmp/dev --port 16443 --dns-port 11053 \\
     --kubelet-port 11250 --proxy-metrics-port 11249 --dns-metrics-port 11153 --service-cidr 10.112.0.0/16 --cluster-cidr 10.245.0.0/16 \\
     --node-name dev-node --kubeconfig-path /tmp/dev/kubeconfig   # a second cluster next to the first
  kubelite up -d --node-ip 10.250.3.1 --load-balancer-ip-pool 10.250.3.100,10.250.3.101
  kubelite down [--purge]`)
    .action(async (o: Omit<UpFlags, 'dataDir'> & { dataDir: string; detach: boolean; timeout: number; supervise?: boolean }) => {
      const startedAt = Date.now();
      const dataDir = resolve(o.dataDir);
      // loaded here: the components' entry point registers this command too and must stay small
      const { runSupervisorProcess, runUp } = await import('../up/run-up.js');
      if (o.supervise) {
        await runSupervisorProcess(dataDir);
        return;
      }
      const cfg = resolveConfig({ ...o, dataDir }, await defaultNodeIP());
      if (!isLocalAddress(cfg.nodeIP)) throw new Error(`--node-ip ${cfg.nodeIP} is not an address of this machine`);
      await runUp(cfg, { detach: o.detach, timeoutMs: o.timeout, downCommand: downCommand(dataDir) }, startedAt);
    });
}
