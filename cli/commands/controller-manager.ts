import { Option, type Command } from 'commander';
import pino from 'pino';
import { superviseProcess, parseIntFlag } from './daemon.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as Kubernetes flags take them: `40s`, `2m`, `500ms`, `1m30s`, `1.5s`; `0` alone is allowed. */
export function parseDuration(v: string): number {
  const s = v.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`invalid duration "${v}" (use e.g. 40s, 2m, 500ms)`);
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (s.length === 0) throw new Error('invalid duration "" (use e.g. 40s, 2m, 500ms)');
  return Math.round(total);
}

function durationFlag(name: string) {
  return (v: string): number => {
    try {
      return parseDuration(v);
    } catch (e) {
      throw new Error(`--${name}: ${(e as Error).message}`);
    }
  };
}

export function registerControllerManager(program: Command): void {
  program
    .command('controller-manager')
    .description('Run the controllers (replicasets, deployments, endpoints, nodes, garbage collection, namespaces) against the apiserver.')
    .requiredOption('--kubeconfig <file>', 'credentials for the apiserver')
    .option('--leader-elect', 'run only while holding the kube-system/kube-controller-manager Lease (for several replicas)', false)
    .addOption(new Option('--leader-elect-lease-duration <d>', 'how long a non-renewed leader Lease stays valid').argParser(durationFlag('leader-elect-lease-duration')).default(15_000, '15s'))
    .addOption(new Option('--leader-elect-renew-deadline <d>', 'how long the leader keeps trying to renew before it gives up').argParser(durationFlag('leader-elect-renew-deadline')).default(10_000, '10s'))
    .addOption(new Option('--leader-elect-retry-period <d>', 'pause between attempts to acquire or renew the Lease').argParser(durationFlag('leader-elect-retry-period')).default(2_000, '2s'))
    .option('--cluster-cidr <cidr>', 'pod network of the cluster; each node gets a subnet of it', '10.244.0.0/16')
    .option('--node-cidr-mask-size <n>', 'prefix length of each node\'s pod subnet', parseIntFlag('node-cidr-mask-size'), 24)
    .addOption(new Option('--node-monitor-grace-period <d>', 'a node silent this long becomes Ready=Unknown').argParser(durationFlag('node-monitor-grace-period')).default(40_000, '40s'))
    .addOption(new Option('--node-monitor-period <d>', 'how often every node\'s health is checked').argParser(durationFlag('node-monitor-period')).default(5_000, '5s'))
    .option('--default-toleration-seconds <s>', 'tolerationSeconds assumed for pods without a not-ready/unreachable toleration', parseIntFlag('default-toleration-seconds'), 300)
    .option('--concurrent-syncs <n>', 'workers per controller', parseIntFlag('concurrent-syncs'), 5)
    .addOption(new Option('--horizontal-pod-autoscaler-sync-period <d>', 'how often each HorizontalPodAutoscaler is reconciled').argParser(durationFlag('horizontal-pod-autoscaler-sync-period')).default(15_000, '15s'))
    .addOption(new Option('--horizontal-pod-autoscaler-downscale-stabilization <d>', 'an HPA scales down only to the highest recommendation of this window').argParser(durationFlag('horizontal-pod-autoscaler-downscale-stabilization')).default(300_000, '5m0s'))
    .option('--cluster-signing-cert-file <file>', 'PEM CA certificate that signs approved kubelet and client certificate requests (signer off without it)')
    .option('--cluster-signing-key-file <file>', 'PEM private key of --cluster-signing-cert-file')
    .addOption(new Option('--cluster-signing-duration <d>', 'longest lifetime of a signed certificate').argParser(durationFlag('cluster-signing-duration')).default(365 * 86_400_000, '8760h0m0s'))
    .option('--controllers <list>', 'controllers to run: * for all, name to enable, -name to disable (comma-separated)', '*')
    .option('--v, --log-level <level>', 'log level (debug, info, warn, error)', 'info')
    .addHelpText('after', `
Examples:
  kubelite controller-manager --kubeconfig /etc/kubelite/controller-manager.kubeconfig
  kubelite controller-manager --kubeconfig admin.kubeconfig --leader-elect --cluster-cidr 10.244.0.0/16 --node-cidr-mask-size 24
  kubelite controller-manager --kubeconfig k.conf --node-monitor-grace-period 20s --controllers '*,-nodeipam'
  kubelite controller-manager --kubeconfig k.conf --cluster-signing-cert-file pki/ca.crt --cluster-signing-key-file pki/ca.key`)
    .action(async (o: {
      kubeconfig: string; leaderElect: boolean; leaderElectLeaseDuration: number; leaderElectRenewDeadline: number; leaderElectRetryPeriod: number;
      clusterCidr: string; nodeCidrMaskSize: number; nodeMonitorGracePeriod: number; nodeMonitorPeriod: number;
      defaultTolerationSeconds: number; concurrentSyncs: number; horizontalPodAutoscalerSyncPeriod: number; horizontalPodAutoscalerDownscaleStabilization: number; controllers: string; logLevel: string;
      clusterSigningCertFile?: string; clusterSigningKeyFile?: string; clusterSigningDuration: number;
    }) => {
      const logger = pino({ name: 'controller-manager', level: o.logLevel });
      if (o.nodeMonitorPeriod <= 0) throw new Error('--node-monitor-period must be positive');
      if (!o.clusterSigningCertFile !== !o.clusterSigningKeyFile) throw new Error('--cluster-signing-cert-file and --cluster-signing-key-file must be given together');
      if (o.clusterSigningDuration < 600_000) throw new Error('--cluster-signing-duration must be at least 10m');
      if (o.horizontalPodAutoscalerSyncPeriod <= 0) throw new Error('--horizontal-pod-autoscaler-sync-period must be positive');
      if (o.leaderElectRenewDeadline >= o.leaderElectLeaseDuration) {
        throw new Error('--leader-elect-renew-deadline must be shorter than --leader-elect-lease-duration');
      }
      const { run } = await import('../../controller-manager/main.js');
      let closing: (() => Promise<void>) | undefined;
      superviseProcess(logger, async () => {
        await closing?.();
      });
      const cm = await run({
        kubeconfig: o.kubeconfig,
        leaderElect: o.leaderElect,
        clusterCidr: o.clusterCidr,
        nodeCidrMaskSize: o.nodeCidrMaskSize,
        nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriod,
        nodeMonitorPeriodMs: o.nodeMonitorPeriod,
        defaultTolerationSeconds: o.defaultTolerationSeconds,
        concurrentSyncs: Math.max(1, o.concurrentSyncs),
        hpaSyncPeriodMs: o.horizontalPodAutoscalerSyncPeriod,
        hpaDownscaleStabilizationMs: o.horizontalPodAutoscalerDownscaleStabilization,
        clusterSigningCertFile: o.clusterSigningCertFile,
        clusterSigningKeyFile: o.clusterSigningKeyFile,
        clusterSigningDurationMs: o.clusterSigningDuration,
        controllers: o.controllers.split(','),
        leaderElection: {
          leaseDurationSeconds: Math.max(1, Math.ceil(o.leaderElectLeaseDuration / 1000)),
          renewDeadlineMs: o.leaderElectRenewDeadline,
          retryPeriodMs: o.leaderElectRetryPeriod,
        },
        logger,
      });
      closing = () => cm.close();
      void cm.stopped.then((why) => {
        if (why !== 'lost-leadership') return;
        // Like kube-controller-manager: a former leader must not keep acting; its supervisor restarts it.
        logger.error({ identity: cm.identity }, 'leader election lost; exiting');
        process.exit(1);
      });
    });
}
