import { Option, type Command } from 'commander';
import pino from 'pino';
import { superviseProcess, parseIntFlag } from './daemon.js';

/** `1s`, `500ms`, `2m`, or plain seconds. */
function parseDuration(flag: string) {
  return (v: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
    if (!m) throw new Error(`--${flag} must be a duration like 1s, 500ms or 2m (got "${v}")`);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
    return Math.round(Number(m[1]) * unit);
  };
}

function parseMode(v: string): 'nftables' | 'iptables' | 'ipvs' {
  if (v === 'nftables' || v === 'iptables' || v === 'ipvs') return v;
  throw new Error(`--mode must be nftables, iptables or ipvs (got "${v}")`);
}

function parseList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('Run the service proxy: programs nftables (or iptables, or IPVS) for ClusterIP, NodePort and LoadBalancer Services.')
    .option('--kubeconfig <file>', 'credentials for the apiserver')
    .option('--mode <mode>', 'nftables, iptables or ipvs', parseMode, 'nftables' as const)
    .option('--cluster-cidr <cidr>', 'pod range; traffic from outside it to a ClusterIP is masqueraded', '10.244.0.0/16')
    .option('--service-cidr <cidr>', 'Service ClusterIP range, kept on this machine', '10.96.0.0/12')
    .option('--node-name <name>', 'this node (endpoints on it are local for externalTrafficPolicy Local)')
    .option('--nodeport-addresses <cidrs>', 'comma-separated CIDRs whose local addresses answer NodePorts (default: all local addresses)', parseList)
    .option('--load-balancer-ip-pool <pool>', 'LoadBalancer ingress IPs: a CIDR or IP,IP (default: the node\'s address)')
    .addOption(new Option('--min-sync-period <d>', 'least time between two syncs (changes are batched)').argParser(parseDuration('min-sync-period')).default(1000, '1s'))
    .addOption(new Option('--sync-period <d>', 'full resync interval (repairs drift)').argParser(parseDuration('sync-period')).default(30_000, '30s'))
    .option('--metrics-bind-address <host:port>', '/metrics and /healthz address (empty to disable)', '127.0.0.1:10249')
    .option('--cleanup', 'remove every rule, chain, table, bridge and route the proxy installs (all modes), then exit')
    .option('--table-name <name>', 'nft table (ip family) the proxy owns', 'kubelite')
    .option('--chain-prefix <prefix>', 'iptables chain prefix (KUBE gives KUBE-SERVICES, KUBE-SVC-...)', 'KUBE')
    .option('--service-bridge <name>', 'empty bridge the service CIDR is routed into', 'kube-svc0')
    .option('--ipvs-bridge <name>', 'bridge IPVS mode binds VIPs to', 'kube-ipvs0')
    .option('--ipvs-scheduler <name>', 'IPVS scheduler (rr, wrr, lc, sh, ...)', 'rr')
    .option('--masquerade-bit <n>', 'bit of the packet mark that requests SNAT', parseIntFlag('masquerade-bit'), 14)
    .option('--v, --log-level <level>', 'log level (debug, info, warn, error)', 'info')
    .addHelpText('after', `
Examples:
  kubelite proxy --kubeconfig /etc/kubelite/proxy.kubeconfig --node-name node-1
  kubelite proxy --kubeconfig k.conf --node-name dev --mode iptables --load-balancer-ip-pool 10.250.0.0/28
  kubelite proxy --cleanup`)
    .action(async (o: {
      kubeconfig?: string; mode: 'nftables' | 'iptables' | 'ipvs'; clusterCidr: string; serviceCidr: string; nodeName?: string;
      nodeportAddresses?: string[]; loadBalancerIpPool?: string; minSyncPeriod: number; syncPeriod: number; metricsBindAddress: string;
      cleanup?: boolean; tableName: string; chainPrefix: string; serviceBridge: string; ipvsBridge: string; ipvsScheduler: string;
      masqueradeBit: number; logLevel: string;
    }) => {
      const logger = pino({ name: 'proxy', level: o.logLevel });
      if (!o.cleanup && !o.kubeconfig) throw new Error("required option '--kubeconfig <file>' not specified");
      const { run } = await import('../../proxy/main.js');
      const { hostname } = await import('node:os');
      let closing: (() => Promise<void>) | undefined;
      if (!o.cleanup) {
        superviseProcess(logger, async () => {
          await closing?.();
        });
      }
      const proxy = await run({
        kubeconfig: o.kubeconfig ?? '', mode: o.mode, clusterCIDR: o.clusterCidr || undefined, serviceCIDR: o.serviceCidr,
        nodeName: o.nodeName ?? hostname(), nodePortAddresses: o.nodeportAddresses, loadBalancerIPPool: o.loadBalancerIpPool,
        minSyncPeriodMs: o.minSyncPeriod, syncPeriodMs: o.syncPeriod, metricsBindAddress: o.metricsBindAddress, cleanup: !!o.cleanup,
        tableName: o.tableName, chainPrefix: o.chainPrefix, serviceBridge: o.serviceBridge, ipvsBridge: o.ipvsBridge,
        ipvsScheduler: o.ipvsScheduler, masqueradeBit: o.masqueradeBit, logger,
      });
      if (o.cleanup) process.exit(0);
      closing = () => proxy.close();
    });
}
