import { Option, type Command } from 'commander';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseIntFlag } from './daemon.js';
import { parseDuration } from './controller-manager.js';
import { DEFAULT_CLUSTER_NAME } from '../up/names.js';

export const DEFAULT_HOST_DATA_DIR = '/var/lib/kubelite';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Set up this machine as the control plane of a multi-host cluster and print the command that joins workers.')
    .option('--advertise-address <ip>', 'address of this machine the other nodes reach the apiserver on (default: the address of the default-route interface)')
    .option('--pod-network-cidr <cidr>', 'pod range of the cluster; each node gets a /24 of it', '10.244.0.0/16')
    .option('--service-cidr <cidr>', 'Service ClusterIP range; the kubernetes Service gets its first address, the cluster DNS its .10', '10.96.0.0/12')
    .option('--data-dir <dir>', 'database, certificates, kubeconfigs, logs and kubelet state', DEFAULT_HOST_DATA_DIR)
    .option('--node-name <name>', 'name of this machine\'s Node', hostname().toLowerCase())
    .option('--apiserver-port <port>', 'apiserver HTTPS port (listens on 0.0.0.0)', parseIntFlag('apiserver-port'), 6443)
    .option('--no-systemd', 'do not install systemd units: run the components under a detached `kubelite start` supervisor')
    .option('--schedule-on-control-plane', 'do not taint this node node-role.kubernetes.io/control-plane:NoSchedule (ordinary pods may run here)', false)
    .option('--token <token>', 'bootstrap token for joining nodes, [a-z0-9]{6}.[a-z0-9]{16} (default: a new random one)')
    .addOption(new Option('--token-ttl <d>', 'lifetime of the bootstrap token (0: never expires)').argParser(parseDuration).default(24 * 3_600_000, '24h'))
    .option('--cluster-name <name>', 'names the kubeconfig context and every host-level object (nft table, chains, bridges)', DEFAULT_CLUSTER_NAME)
    .option('--docker-host <url>', 'Docker endpoint of this node\'s kubelet', 'unix:///var/run/docker.sock')
    .option('--kubelet-port <port>', 'kubelet gRPC (logs/exec/port-forward) port', parseIntFlag('kubelet-port'), 10250)
    .option('--dns-port <port>', 'port the cluster DNS listens on at the advertise address', parseIntFlag('dns-port'), 10053)
    .option('--proxy-metrics-port <port>', "proxy's /metrics port on 127.0.0.1 (0: off)", parseIntFlag('proxy-metrics-port'), 10249)
    .option('--dns-metrics-port <port>', "cluster DNS's /metrics port on 127.0.0.1 (0: off)", parseIntFlag('dns-metrics-port'), 9153)
    .addOption(new Option('--proxy-mode <mode>', 'how Services are programmed on every node').choices(['nftables', 'iptables', 'ipvs']).default('nftables'))
    .addOption(new Option('--timeout <d>', 'how long to wait for the apiserver and for the node to be Ready').argParser(parseDuration).default(180_000, '3m'))
    .addHelpText('after', `
Writes everything under --data-dir (pki/, <component>.kubeconfig, admin.kubeconfig,
host.json, join-command, logs/), starts apiserver, controller-manager, scheduler,
cluster DNS, proxy and kubelet, creates the bootstrap token and the public
ConfigMap kube-public/cluster-info, waits for this node to be Ready and prints
the join command as the last line (also in <data-dir>/join-command).

Examples:
  kubelite init --advertise-address 192.168.1.10
  kubelite init --advertise-address 192.168.1.10 --pod-network-cidr 10.244.0.0/16 --no-systemd
  kubelite reset            # undo`)
    .action(async (o: {
      advertiseAddress?: string; podNetworkCidr: string; serviceCidr: string; dataDir: string; nodeName: string; apiserverPort: number;
      systemd: boolean; scheduleOnControlPlane: boolean; token?: string; tokenTtl: number; clusterName: string; dockerHost: string;
      kubeletPort: number; dnsPort: number; proxyMetricsPort: number; dnsMetricsPort: number; proxyMode: string; timeout: number;
    }) => {
      const { planInit } = await import('../init/plan.js');
      const { runInit } = await import('../init/run-init.js');
      const { defaultNodeIP, isLocalAddress } = await import('../up/node-ip.js');
      const dataDir = resolve(o.dataDir);
      const { existsSync } = await import('node:fs');
      const fresh = !existsSync(`${dataDir}/host.json`);
      try {
        const plan = planInit({ ...o, dataDir }, await defaultNodeIP());
        if (!isLocalAddress(plan.cfg.nodeIP)) throw new Error(`--advertise-address ${plan.cfg.nodeIP} is not an address of this machine`);
        await runInit(plan, { token: o.token, tokenTtlMs: o.tokenTtl, timeoutMs: o.timeout });
      } catch (e) {
        // what this run already set up stays for a look at the logs; reset removes it
        const hint = fresh && existsSync(`${dataDir}/host.json`) ? `; \`kubelite reset --data-dir ${dataDir}\` undoes what was set up` : '';
        process.stderr.write(`kubelite init: ${(e as Error).message}${hint}\n`);
        process.exit(1);
      }
    });
}
