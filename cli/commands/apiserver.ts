import type { Command } from 'commander';
import pino from 'pino';
import { superviseProcess, parseIntFlag } from './daemon.js';

export function registerApiserver(program: Command): void {
  program
    .command('apiserver')
    .description('Run the API server: HTTPS Kubernetes API stored in LevelDB under --data-dir.')
    .requiredOption('--data-dir <dir>', 'where the database, certificates (pki/) and admin.kubeconfig live')
    .option('--bind-address <ip>', 'address to listen on', '0.0.0.0')
    .option('--secure-port <port>', 'HTTPS port', parseIntFlag('secure-port'), 6443)
    .option('--advertise-address <ip>', 'address other components and the kubernetes Service use to reach this server')
    .option('--service-cluster-ip-range <cidr>', 'range ClusterIPs are allocated from', '10.96.0.0/12')
    .option('--service-node-port-range <range>', 'range NodePorts are allocated from', '30000-32767')
    .option('--token-auth-file <file>', 'static bearer tokens: token,user,uid,"group1,group2" per line')
    .option('--tls-san <name...>', 'extra DNS names or IPs for the serving certificate')
    .option('--default-toleration-seconds <s>', 'tolerationSeconds added to every pod for not-ready/unreachable nodes', parseIntFlag('default-toleration-seconds'), 300)
    .option('--v, --log-level <level>', 'log level (debug, info, warn, error)', 'info')
    .addHelpText('after', `
Examples:
  kubelite apiserver --data-dir /var/lib/kubelite/apiserver
  kubelite apiserver --data-dir ./data --bind-address 127.0.0.1 --secure-port 16443
  kubectl --kubeconfig ./data/admin.kubeconfig get namespaces`)
    .action(async (o: {
      dataDir: string; bindAddress: string; securePort: number; advertiseAddress?: string; serviceClusterIpRange: string;
      serviceNodePortRange: string; tokenAuthFile?: string; tlsSan?: string[]; defaultTolerationSeconds: number; logLevel: string;
    }) => {
      const logger = pino({ name: 'apiserver', level: o.logLevel });
      const { run } = await import('../../apiserver/main.js');
      const server = await run({
        dataDir: o.dataDir, bindAddress: o.bindAddress, securePort: o.securePort, advertiseAddress: o.advertiseAddress,
        serviceClusterIpRange: o.serviceClusterIpRange, serviceNodePortRange: o.serviceNodePortRange,
        tokenAuthFile: o.tokenAuthFile, tlsSans: o.tlsSan, defaultTolerationSeconds: o.defaultTolerationSeconds, logger,
      });
      superviseProcess(logger, () => server.close());
    });
}
