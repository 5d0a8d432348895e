import type { Command } from 'commander';
import pino from 'pino';
import { superviseProcess, parseIntFlag } from './daemon.js';

/** Kubernetes-style durations for the leader election flags: `15s`, `500ms`, `1m`, or plain seconds. */
function durationMs(name: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new Error(`--${name} must be a duration like 15s or 500ms (got "${v}")`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

export function registerScheduler(program: Command): void {
  program
    .command('scheduler')
    .description('Run the scheduler: assigns pending pods to nodes through pods/binding.')
    .requiredOption('--kubeconfig <file>', 'credentials for the apiserver')
    .option('--scheduler-name <name>', 'schedule pods whose spec.schedulerName is this', 'default-scheduler')
    .option('--leader-elect', 'only schedule while holding the leader Lease, so several replicas can run', false)
    .option('--leader-elect-lease-duration <d>', 'how long a leader Lease is valid without renewal', '15s')
    .option('--leader-elect-renew-deadline <d>', 'how long the leader retries renewing before it steps down', '10s')
    .option('--leader-elect-retry-period <d>', 'pause between attempts to acquire or renew the Lease', '2s')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the leader Lease', 'kube-system')
    .option('--leader-elect-resource-name <name>', 'name of the leader Lease', 'kube-scheduler')
    .option('--percentage-of-nodes-to-score <n>', 'share of nodes to find feasible before scoring; 0 adapts to the cluster size', parseIntFlag('percentage-of-nodes-to-score'), 0)
    .option('--max-binds-in-flight <n>', 'bindings sent concurrently', parseIntFlag('max-binds-in-flight'), 64)
    .option('--v, --log-level <level>', 'log level (debug, info, warn, error)', 'info')
    .addHelpText('after', `
Examples:
  kubelite scheduler --kubeconfig /etc/kubelite/scheduler.kubeconfig
  kubelite scheduler --kubeconfig admin.kubeconfig --leader-elect --leader-elect-lease-duration 15s`)
    .action(async (o: {
      kubeconfig: string; schedulerName: string; leaderElect: boolean; leaderElectLeaseDuration: string;
      leaderElectRenewDeadline: string; leaderElectRetryPeriod: string; leaderElectResourceNamespace: string;
      leaderElectResourceName: string; percentageOfNodesToScore: number; maxBindsInFlight: number; logLevel: string;
    }) => {
      const leaseMs = durationMs('leader-elect-lease-duration', o.leaderElectLeaseDuration);
      const renewMs = durationMs('leader-elect-renew-deadline', o.leaderElectRenewDeadline);
      const retryMs = durationMs('leader-elect-retry-period', o.leaderElectRetryPeriod);
      const logger = pino({ name: 'scheduler', level: o.logLevel });
      const { run } = await import('../../scheduler/main.js');
      let closing: (() => Promise<void>) | undefined;
      superviseProcess(logger, async () => {
        await closing?.();
      });
      const scheduler = await run({
        kubeconfig: o.kubeconfig, schedulerName: o.schedulerName, leaderElect: o.leaderElect,
        leaderElection: {
          leaseDurationSeconds: Math.max(1, Math.round(leaseMs / 1000)), renewDeadlineMs: renewMs, retryPeriodMs: retryMs,
          namespace: o.leaderElectResourceNamespace, name: o.leaderElectResourceName,
        },
        percentageOfNodesToScore: o.percentageOfNodesToScore, maxBindsInFlight: Math.max(1, o.maxBindsInFlight), logger,
      });
      closing = () => scheduler.close();
    });
}
