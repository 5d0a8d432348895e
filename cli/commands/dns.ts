import { Option, type Command } from 'commander';
import pino from 'pino';
import { superviseProcess, parseIntFlag } from './daemon.js';

export function registerDns(program: Command): void {
  program
    .command('dns')
    .description('Run the cluster DNS server: <svc>.<ns>.svc.cluster.local and friends from Services and Endpoints, other names forwarded to the host\'s resolvers.')
    .option('--kubeconfig <file>', 'credentials for the apiserver')
    .option('--listen <ip:port>', 'address to answer on, UDP and TCP; a wildcard address only with --no-register (default: <advertise-address>:53)')
    .option('--advertise-address <ip>', 'address published in Endpoints kube-system/kube-dns (default: the --listen IP; not loopback)')
    .option('--service-ip <ip>', 'ClusterIP of Service kube-system/kube-dns (what kubelets pass as --cluster-dns)', '10.96.0.10')
    .option('--cluster-domain <domain>', 'the zone answered from the cluster', 'cluster.local')
    .option('--upstream-resolv-conf <file>', 'nameservers for every other name (IP, or IP:PORT as an extension)', '/etc/resolv.conf')
    .option('--no-register', 'do not create the kube-dns Service or publish this server in its Endpoints')
    .option('--health-bind-address <ip:port>', '/healthz, /readyz and /metrics address (empty to disable)', '127.0.0.1:9153')
    .option('--ttl <seconds>', 'TTL of cluster answers and of negative caching', parseIntFlag('ttl'), 5)
    .addOption(new Option('--forward-timeout <ms>', 'how long to wait for one upstream before trying the next').argParser(parseIntFlag('forward-timeout')).default(2000))
    .option('--v, --log-level <level>', 'log level (debug, info, warn, error)', 'info')
    .addHelpText('after', `
Examples:
  kubelite dns --kubeconfig /etc/kubelite/dns.kubeconfig --listen 192.168.1.10:53
  kubelite dns --kubeconfig k.conf --advertise-address 192.168.1.10
  kubelite dns --kubeconfig k.conf --listen 127.0.0.1:5353 --no-register`)
    .action(async (o: {
      kubeconfig?: string; listen?: string; advertiseAddress?: string; serviceIp: string; clusterDomain: string; upstreamResolvConf: string;
      register: boolean; healthBindAddress: string; ttl: number; forwardTimeout: number; logLevel: string;
    }) => {
      if (!o.kubeconfig) throw new Error("required option '--kubeconfig <file>' not specified");
      const logger = pino({ name: 'dns', level: o.logLevel });
      const { run } = await import('../../dns/main.js');
      let closing: (() => Promise<void>) | undefined;
      superviseProcess(logger, async () => {
        await closing?.();
      });
      const dns = await run({
        kubeconfig: o.kubeconfig, listen: o.listen, advertiseAddress: o.advertiseAddress, serviceIP: o.serviceIp,
        clusterDomain: o.clusterDomain, upstreamResolvConf: o.upstreamResolvConf, register: o.register,
        healthBindAddress: o.healthBindAddress, ttl: o.ttl, forwardTimeoutMs: o.forwardTimeout, logger,
      });
      closing = () => dns.close();
    });
}
