// `kubelite scheduler`: watches nodes and pods, and assigns every pending pod
// that names this scheduler to a node. With leader election only the replica
// holding Lease kube-system/kube-scheduler schedules; the others keep their
// caches warm so a takeover starts at once.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { findResource } from '../api/resources.js';
import type { Node, Pod } from '../api/types/index.js';
import { InformerFactory, LeaderElector, loadKubeconfig, RestClient, stripManagedFields } from '../client/index.js';
import { wireHandlers } from './handlers.js';
import { defaultProfile } from './plugins/index.js';
import { Scheduler, type SchedulerCounters } from './scheduler.js';
import { storageCaches } from './volume-informers.js';
import { VolumePreBinder } from './volume-prebind.js';

export interface LeaderElectionOptions {
  leaseDurationSeconds: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  namespace: string;
  name: string;
}

export interface SchedulerOptions {
  kubeconfig: string;
  /** pods whose spec.schedulerName is this are ours; default-scheduler also takes kubelite-scheduler */
  schedulerName: string;
  leaderElect: boolean;
  leaderElection?: Partial<LeaderElectionOptions>;
  /** 0 adapts to the cluster size */
  percentageOfNodesToScore?: number;
  maxBindsInFlight?: number;
  logger: Logger;
}

export interface RunningScheduler {
  /** `<hostname>_<uuid>`: the holder identity written to the Lease */
  identity: string;
  isLeader(): boolean;
  counters(): SchedulerCounters;
  close(): Promise<void>;
}

export const DEFAULT_LEADER_ELECTION: LeaderElectionOptions = {
  leaseDurationSeconds: 15,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  namespace: 'kube-system',
  name: 'kube-scheduler',
};

const nodesInfo = findResource('', 'v1', 'nodes')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const STATS_EVERY_MS = 5_000;
const CLEANUP_EVERY_MS = 5_000;

export function schedulerNamesFor(name: string): Set<string> {
  const names = new Set([name]);
  // kubelite's own manifests may name the scheduler after the project.
  if (name === 'default-scheduler') names.add('kubelite-scheduler');
  return names;
}

export async function run(o: SchedulerOptions): Promise<RunningScheduler> {
  const log = o.logger;
  const config = loadKubeconfig({ path: o.kubeconfig });
  const maxBinds = o.maxBindsInFlight ?? 64;
  const userAgent = `kubelite-scheduler/0.1.0 (node ${process.version})`;
  const client = new RestClient(config, { userAgent, maxSockets: maxBinds + 8, logger: log });
  const reportClient = new RestClient(config, { userAgent, maxSockets: 4, logger: log });
  const identity = `${hostname()}_${randomUUID()}`;
  const stop = new AbortController();

  const factory = new InformerFactory(client, { logger: log, transform: stripManagedFields, omitManagedFields: true });
  const phaseLive = 'status.phase!=Succeeded,status.phase!=Failed';
  const nodes = factory.get<Node>(nodesInfo);
  const pods = factory.get<Pod>(podsInfo, { fieldSelector: phaseLive });

  // Storage events only arrive once the factory starts, after the scheduler exists.
  const volumes = storageCaches(factory, nodes, () => scheduler.queue.moveAllToActiveOrBackoff('StorageChange'));
  const preBinder = new VolumePreBinder(client, volumes, log.child({ component: 'volume-binding' }));
  const scheduler = new Scheduler({
    client,
    reportClient,
    logger: log,
    schedulerName: o.schedulerName,
    percentageOfNodesToScore: o.percentageOfNodesToScore,
    maxBindsInFlight: maxBinds,
    // the scheduling cycle skips a pod this finds bound or gone
    lookupPending: (key) => pods.store.get(key),
    profile: defaultProfile(volumes),
    preBind: (info, node) => preBinder.preBind(info, node),
  });
  wireHandlers({ nodes, pods }, scheduler.cache, scheduler.queue, schedulerNamesFor(o.schedulerName));
  factory.start(stop.signal);

  const timers = [
    setInterval(() => {
      const n = scheduler.cache.cleanupExpired();
      if (n) log.warn({ pods: n }, 'dropped assumed pods whose binding was never confirmed');
    }, CLEANUP_EVERY_MS),
    statsLogger(scheduler, log),
  ];

  let leading = !o.leaderElect;
  let loop: Promise<void> = Promise.resolve();
  const schedule = (signal: AbortSignal): void => {
    // A new term waits for the previous loop to wind down, so two loops never pop at once.
    loop = loop.then(async () => {
      if (!(await factory.waitForSync(signal))) return;
      await scheduler.run(signal);
    });
  };

  let electing: Promise<void> = Promise.resolve();
  if (o.leaderElect) {
    const le = { ...DEFAULT_LEADER_ELECTION, ...o.leaderElection };
    log.info({ identity, lease: `${le.namespace}/${le.name}` }, 'leader election enabled');
    const elector = new LeaderElector(client, {
      namespace: le.namespace,
      name: le.name,
      identity,
      leaseDurationSeconds: le.leaseDurationSeconds,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      releaseOnCancel: true,
      logger: log,
      onStartedLeading: (signal) => {
        leading = true;
        schedule(signal);
      },
      onStoppedLeading: () => {
        leading = false;
      },
    });
    // Lost leadership means campaigning again: the caches stay current meanwhile.
    electing = (async () => {
      while (!stop.signal.aborted) await elector.run(stop.signal);
    })();
  } else {
    schedule(stop.signal);
  }

  return {
    identity,
    isLeader: () => leading,
    counters: () => ({ ...scheduler.counters }),
    async close() {
      stop.abort();
      for (const t of timers) clearInterval(t);
      await electing;
      await loop;
      scheduler.queue.close();
      log.info({ ...scheduler.counters, queue: scheduler.queue.stats() }, 'scheduler final stats');
      client.close();
      reportClient.close();
    },
  };
}

/** A progress line when something happened: what a user tailing the log wants to see. */
function statsLogger(scheduler: Scheduler, log: Logger): NodeJS.Timeout {
  let last = '';
  return setInterval(() => {
    const snapshot = { ...scheduler.counters, queue: scheduler.queue.stats(), nodes: scheduler.cache.nodeList().length };
    const text = JSON.stringify(snapshot);
    if (text === last) return;
    last = text;
    log.info(snapshot, 'scheduler stats');
  }, STATS_EVERY_MS);
}
