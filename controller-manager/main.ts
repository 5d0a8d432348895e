// `kubelite controller-manager`: one process running every controller against
// the apiserver through shared informers. With leader election only the
// replica holding the kube-system/kube-controller-manager Lease runs them; a
// leader that loses the Lease stops and reports it, so its supervisor restarts
// it as a candidate (as kube-controller-manager exits on lost leadership).
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { EventRecorder } from '../client/events.js';
import { InformerFactory } from '../client/informer-factory.js';
import { stripManagedFields } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { LeaderElector } from '../client/leader-election.js';
import { errorFields } from '../client/logger.js';
import { RestClient } from '../client/rest.js';
import { BootstrapTokenCleaner } from './bootstrap-token-cleaner.js';
import type { Controller, ControllerContext } from './controller.js';
import { CsrApprovingController } from './csr-approver.js';
import { CsrSigningController } from './csr-signer.js';
import { CronJobController } from './cronjob.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { EndpointsController } from './endpoints.js';
import { GarbageCollector } from './garbage-collector.js';
import { HorizontalPodAutoscalerController } from './hpa.js';
import { JobController } from './job.js';
import { NamespaceController } from './namespace.js';
import { NodeIpamController } from './node-ipam.js';
import { PodGcController } from './node-lifecycle-pod-gc.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import type { ControllerManagerOptions } from './options.js';
import { PersistentVolumeBinder } from './persistentvolume-binder.js';
import { LocalPathProvisioner } from './persistentvolume-provisioner.js';
import { ReplicaSetController } from './replicaset.js';
import { ReplicationControllerController } from './replication-controller.js';
import { StatefulSetController } from './statefulset.js';
import { TaintEvictionController } from './taint-eviction.js';

export const LEASE_NAMESPACE = 'kube-system';
export const LEASE_NAME = 'kube-controller-manager';

type ControllerClass = new (ctx: ControllerContext, opts: ControllerManagerOptions) => Controller;

/** Controllers by the names `--controllers` uses (Kubernetes' names where it has them). */
export const CONTROLLERS: ReadonlyArray<{ name: string; create: ControllerClass }> = [
  { name: 'namespace', create: NamespaceController },
  { name: 'garbagecollector', create: GarbageCollector },
  { name: 'nodeipam', create: NodeIpamController },
  { name: 'nodelifecycle', create: NodeLifecycleController },
  { name: 'taint-eviction-controller', create: TaintEvictionController },
  { name: 'podgc', create: PodGcController },
  { name: 'replicaset', create: ReplicaSetController },
  { name: 'replicationcontroller', create: ReplicationControllerController },
  { name: 'deployment', create: DeploymentController },
  { name: 'endpoint', create: EndpointsController },
  { name: 'daemonset', create: DaemonSetController },
  { name: 'horizontalpodautoscaling', create: HorizontalPodAutoscalerController },
  { name: 'job', create: JobController },
  { name: 'cronjob', create: CronJobController },
  { name: 'statefulset', create: StatefulSetController },
  { name: 'persistentvolume-binder', create: PersistentVolumeBinder },
  { name: 'local-path-provisioner', create: LocalPathProvisioner },
  { name: 'csrapproving', create: CsrApprovingController },
  { name: 'csrsigning', create: CsrSigningController },
  { name: 'tokencleaner', create: BootstrapTokenCleaner },
];

export interface LeaderElectionTiming {
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION: LeaderElectionTiming = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

export interface RunOptions extends ControllerManagerOptions {
  logger: Logger;
  /** `--controllers`: `*` for all, a name to enable, `-name` to disable; all when unset */
  controllers?: string[];
  leaderElection?: LeaderElectionTiming;
}

export type StopReason = 'closed' | 'lost-leadership';

export interface ControllerManager {
  /** identity used on the leader Lease */
  readonly identity: string;
  /** settles once every controller has stopped, telling why */
  readonly stopped: Promise<StopReason>;
  close(): Promise<void>;
}

/** Which controllers `--controllers` enables; throws on names that do not exist. */
export function enabledControllers(spec: string[] | undefined, all: readonly string[] = CONTROLLERS.map((c) => c.name)): string[] {
  const items = (spec ?? ['*']).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const it of items) {
    const n = it.replace(/^-/, '');
    if (n !== '*' && !all.includes(n)) throw new Error(`--controllers: unknown controller "${n}" (known: ${all.join(', ')})`);
  }
  const star = items.includes('*');
  return all.filter((n) => !items.includes(`-${n}`) && (star || items.includes(n)));
}

export async function run(o: RunOptions): Promise<ControllerManager> {
  const log = o.logger;
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  const client = new RestClient(loadKubeconfig({ path: o.kubeconfig }), {
    userAgent: 'kube-controller-manager',
    timeoutMs: 30_000,
    logger: log.child({ component: 'rest' }),
  });
  const informers = new InformerFactory(client, { logger: log.child({ component: 'informers' }), transform: stripManagedFields, omitManagedFields: true });
  const recorder = new EventRecorder(client, { component: 'controller-manager', host: hostname() }, log.child({ component: 'events' }));
  const ctx: ControllerContext = { client, informers, recorder, logger: log };

  const names = enabledControllers(o.controllers);
  const controllers = CONTROLLERS.filter((c) => names.includes(c.name)).map((c) => new c.create(ctx, o));
  log.info({ controllers: names, identity, leaderElect: o.leaderElect }, 'controllers constructed');

  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  let working: Promise<void> | undefined;
  const runControllers = (signal: AbortSignal): Promise<void> => {
    // Every informer and controller listens on this one signal: dozens, by design.
    setMaxListeners(0, signal);
    working = (async () => {
      informers.start(signal);
      if (!(await informers.waitForSync(signal))) return;
      log.info({}, 'caches synced; starting controllers');
      await Promise.all(controllers.map((c) => c.run(o.concurrentSyncs, signal)));
    })().catch((e: unknown) => log.error(errorFields(e), 'controllers failed'));
    return working;
  };

  let stopped: Promise<StopReason>;
  if (o.leaderElect) {
    const timing = o.leaderElection ?? DEFAULT_LEADER_ELECTION;
    const elector = new LeaderElector(client, {
      namespace: LEASE_NAMESPACE,
      name: LEASE_NAME,
      identity,
      ...timing,
      releaseOnCancel: true,
      logger: log.child({ component: 'leader-election' }),
      onStartedLeading: (signal) => runControllers(signal),
      onNewLeader: (holder) => {
        if (holder !== identity) log.info({ leader: holder }, 'another controller-manager leads');
      },
    });
    log.info({ lease: `${LEASE_NAMESPACE}/${LEASE_NAME}`, identity }, 'campaigning for leadership');
    stopped = elector.run(stop.signal).then(async () => {
      if (stop.signal.aborted) {
        await working;
        return 'closed';
      }
      // Another replica may already be acting: give in-flight syncs only a moment.
      await Promise.race([working, new Promise((r) => setTimeout(r, 5_000).unref())]);
      return 'lost-leadership';
    });
  } else {
    stopped = runControllers(stop.signal).then(() => 'closed' as const);
  }
  stopped = stopped.finally(() => client.close());

  return {
    identity,
    stopped,
    async close() {
      stop.abort();
      await stopped;
    },
  };
}
