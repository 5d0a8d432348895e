// Hollow nodes, like Kubernetes' kubemark: real Node objects and node Leases,
// and a fake kubelet per node that "runs" every pod bound to it by reporting
// it Running and Ready through pods/status — no containers anywhere. All the
// nodes of a fleet share one pod watch (spec.nodeName!=) and one status
// writer pool: a thousand separate watches would measure the bench, not the
// cluster.
import { isAlreadyExists, isConflict, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { Lease, Node, Pod, PodCondition } from '../../api/types/index.js';
import { formatMicroTime, Informer, stripManagedFields, type RestClient } from '../../client/index.js';
import { nowTime } from '../../api/time.js';

const nodesInfo = findResource('', 'v1', 'nodes')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const leasesInfo = findResource('coordination.k8s.io', 'v1', 'leases')!;
const LEASE_NAMESPACE = 'kube-node-lease';

export interface HollowFleetOptions {
  count: number;
  /** node names are `<prefix><i>` */
  prefix?: string;
  cpu?: string;
  memory?: string;
  maxPods?: number;
  labels?: Record<string, string>;
  /** node Lease renewal period; 0 disables heartbeats */
  leaseRenewMs?: number;
  /** concurrent writes (registration, pod status, deletes) */
  concurrency?: number;
}

export interface HollowPodEvents {
  /** first time a pod is seen bound (nodeName set); `previousNode` when it is seen again on another node */
  bound?: (pod: Pod, previousNode?: string) => void;
  /** the fake kubelet reported the pod Running and Ready */
  running?: (pod: Pod) => void;
}

export interface FleetStats {
  nodes: number;
  podsSeen: number;
  running: number;
  statusErrors: number;
  leaseErrors: number;
  /** pods seen bound to one node and later to another */
  reboundPods: number;
}

/** Runs async jobs with at most `limit` in flight. */
class Pool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.active++;
        job().then(resolve, reject).finally(() => {
          this.active--;
          this.waiting.shift()?.();
        });
      };
      if (this.active < this.limit) start();
      else this.waiting.push(start);
    });
  }
}

export function hollowNode(name: string, index: number, o: HollowFleetOptions): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '32Gi', pods: String(o.maxPods ?? 110), 'ephemeral-storage': '100Gi' };
  const now = nowTime();
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'kubelite.io/hollow': 'true', ...o.labels,
      },
    },
    spec: { podCIDR: podCIDR(index), podCIDRs: [podCIDR(index)] },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'hollow kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: nodeIP(index) }, { type: 'Hostname', address: name }],
      nodeInfo: {
        machineID: name, systemUUID: name, bootID: name, kernelVersion: 'hollow', osImage: 'hollow',
        containerRuntimeVersion: 'hollow://0.1.0', kubeletVersion: 'v1.32.0-kubelite-hollow', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  };
}

function podCIDR(i: number): string {
  return `10.${128 + (i >> 8)}.${i & 255}.0/24`;
}

function nodeIP(i: number): string {
  return `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

/** One fake kubelet: hands out pod IPs from its podCIDR. */
class HollowNode {
  private nextIP = 2;
  lease?: Lease;

  constructor(readonly name: string, readonly index: number) {}

  allocateIP(): string {
    const host = this.nextIP;
    this.nextIP = this.nextIP >= 254 ? 2 : this.nextIP + 1;
    return podCIDR(this.index).replace(/0\/24$/, String(host));
  }

  get ip(): string {
    return nodeIP(this.index);
  }
}

export class HollowNodeFleet {
  readonly nodes = new Map<string, HollowNode>();
  private readonly o: Required<HollowFleetOptions>;
  private readonly pool: Pool;
  private informer?: Informer<Pod>;
  private leaseTimer?: NodeJS.Timeout;
  /** uid → node the pod was first seen on */
  private readonly boundTo = new Map<string, string>();
  /** uids reported Running (or being reported) */
  private readonly started = new Set<string>();
  private readonly deleting = new Set<string>();
  private readonly s = { running: 0, statusErrors: 0, leaseErrors: 0, reboundPods: 0 };

  constructor(private readonly client: RestClient, opts: HollowFleetOptions, private readonly events: HollowPodEvents = {}) {
    this.o = {
      prefix: 'hollow-node-', cpu: '4', memory: '32Gi', maxPods: 110, labels: {}, leaseRenewMs: 10_000, concurrency: 32,
      ...opts,
    };
    this.pool = new Pool(this.o.concurrency);
    for (let i = 0; i < this.o.count; i++) {
      const name = `${this.o.prefix}${i}`;
      this.nodes.set(name, new HollowNode(name, i));
    }
  }

  stats(): FleetStats {
    return { nodes: this.nodes.size, podsSeen: this.boundTo.size, ...this.s };
  }

  /** Creates (or refreshes the status of) every Node object. */
  async register(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => this.pool.run(async () => {
      const obj = hollowNode(n.name, n.index, this.o);
      try {
        await this.client.create(nodesInfo, undefined, obj);
      } catch (e) {
        if (!isAlreadyExists(e) && !isConflict(e)) throw e;
        const cur = await this.client.get<Node>(nodesInfo, undefined, n.name);
        await this.client.updateStatus(nodesInfo, undefined, { ...cur, status: obj.status });
      }
    })));
  }

  /** Starts the shared pod watch and the Lease heartbeats; resolves once the watch has synced. */
  async start(signal: AbortSignal): Promise<void> {
    // the fleet never reads managedFields: its cache of 10,000 pods need not hold them
    const inf = new Informer<Pod>(this.client, podsInfo, { fieldSelector: 'spec.nodeName!=', transform: stripManagedFields, omitManagedFields: true });
    this.informer = inf;
    inf.on('add', (p) => this.sync(p)).on('update', (_o, p) => this.sync(p)).on('delete', (p) => this.forget(p));
    void inf.start(signal);
    if (this.o.leaseRenewMs > 0) this.startLeases(signal);
    await inf.waitForSync(signal);
  }

  stop(): void {
    this.informer?.stop();
    clearTimeout(this.leaseTimer);
  }

  private sync(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? this.nodes.get(nodeName) : undefined;
    if (!node || !nodeName) return;
    const uid = pod.metadata.uid ?? '';
    const first = this.boundTo.get(uid);
    if (first === undefined) {
      this.boundTo.set(uid, nodeName);
      this.events.bound?.(pod);
    } else if (first !== nodeName) {
      this.s.reboundPods++;
      this.boundTo.set(uid, nodeName);
      this.events.bound?.(pod, first);
    }
    if (pod.metadata.deletionTimestamp) {
      this.finishDeletion(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || this.started.has(uid)) return;
    this.started.add(uid);
    void this.pool.run(() => this.reportRunning(pod, node)).catch(() => {
      this.s.statusErrors++;
      this.started.delete(uid);
    });
  }

  private forget(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    this.started.delete(uid);
    this.deleting.delete(uid);
  }

  /** What a kubelet reports once the sandbox and every container are up. */
  private async reportRunning(pod: Pod, node: HollowNode): Promise<void> {
    const now = nowTime();
    const ip = node.allocateIP();
    const cond = (type: string): PodCondition => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    const status = {
      phase: 'Running',
      hostIP: node.ip,
      hostIPs: [{ ip: node.ip }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: now,
      qosClass: 'BestEffort',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name, ready: true, started: true, restartCount: 0, image: c.image ?? '', imageID: `hollow://${c.image ?? ''}`,
        containerID: `hollow://${pod.metadata.uid}/${c.name}`, state: { running: { startedAt: now } },
      })),
    };
    try {
      await this.client.patchWithoutResult(podsInfo, pod.metadata.namespace, pod.metadata.name ?? '', { status }, 'merge', { subresource: 'status', timeoutMs: 60_000 });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    this.s.running++;
    this.events.running?.(pod);
  }

  /** A kubelet confirms a graceful deletion once the containers are gone; hollow ones have none. */
  private finishDeletion(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (this.deleting.has(uid)) return;
    this.deleting.add(uid);
    void this.pool
      .run(() => this.client.delete(podsInfo, pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } }))
      .catch(() => this.deleting.delete(uid));
  }

  /** Renews every node's Lease once per period, spread evenly over it. */
  private startLeases(signal: AbortSignal): void {
    const nodes = [...this.nodes.values()];
    const period = this.o.leaseRenewMs;
    let i = 0;
    const tickMs = 100;
    const perTick = Math.max(1, Math.ceil((nodes.length * tickMs) / period));
    const tick = (): void => {
      if (signal.aborted) return;
      for (let k = 0; k < perTick && nodes.length; k++) {
        const n = nodes[i++ % nodes.length];
        void this.pool.run(() => this.renewLease(n)).catch(() => this.s.leaseErrors++);
      }
      this.leaseTimer = setTimeout(tick, tickMs);
    };
    tick();
  }

  private async renewLease(n: HollowNode): Promise<void> {
    const renewTime = formatMicroTime(Date.now());
    if (n.lease) {
      try {
        n.lease = await this.client.update<Lease>(leasesInfo, LEASE_NAMESPACE, { ...n.lease, spec: { ...n.lease.spec, renewTime } });
        return;
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
        n.lease = undefined;
      }
    }
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: n.name, namespace: LEASE_NAMESPACE },
      spec: { holderIdentity: n.name, leaseDurationSeconds: 40, renewTime },
    };
    try {
      n.lease = await this.client.create<Lease>(leasesInfo, LEASE_NAMESPACE, lease);
    } catch (e) {
      if (!isAlreadyExists(e) && !isConflict(e)) throw e;
      n.lease = await this.client.get<Lease>(leasesInfo, LEASE_NAMESPACE, n.name);
    }
  }
}
