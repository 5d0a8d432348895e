// The Node object this kubelet registers and keeps current: capacity, addresses,
// nodeInfo, conditions with heartbeats and the gRPC endpoint. The builders are
// pure; NodeStatusReporter registers the node, posts status when it changes (and
// at least every minute) and settles the podCIDR.
import type { Logger } from 'pino';
import type { Node, NodeCondition, NodeStatus, Taint } from '../api/types/index.js';
import { findResource } from '../api/resources.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import type { RestClient } from '../client/index.js';
import { canonicalJson } from './hash.js';
import type { SystemInfo } from './system-info.js';
import { nowTime } from '../api/time.js';

const nodes = findResource('', 'v1', 'nodes')!;

export const KUBELET_VERSION = 'v1.32.0-kubelite';
const STATUS_REPORT_MS = 10_000;
const STATUS_FORCE_MS = 60_000;

export interface NodeFacts {
  nodeName: string;
  nodeIP: string;
  system: SystemInfo;
  maxPods: number;
  runtimeVersion: string;
  grpcPort: number;
  /** bytes of the kubelet root dir's filesystem */
  ephemeralStorageBytes?: number;
  runtimeHealthy: boolean;
  runtimeMessage?: string;
  images?: Array<{ names: string[]; sizeBytes: number }>;
}

export function nodeLabels(nodeName: string, system: Pick<SystemInfo, 'architecture' | 'operatingSystem'>): Record<string, string> {
  return {
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': system.operatingSystem,
    'kubernetes.io/arch': system.architecture,
    'beta.kubernetes.io/os': system.operatingSystem,
    'beta.kubernetes.io/arch': system.architecture,
  };
}

export function buildNodeStatus(f: NodeFacts, prev: NodeStatus | undefined, now: string): NodeStatus {
  const capacity: Record<string, string> = {
    cpu: String(f.system.cpus),
    memory: `${Math.floor(f.system.memoryBytes / 1024)}Ki`,
    pods: String(f.maxPods),
  };
  if (f.ephemeralStorageBytes) capacity['ephemeral-storage'] = `${Math.floor(f.ephemeralStorageBytes / 1024)}Ki`;
  const cond = (type: string, status: 'True' | 'False', reason: string, message: string): NodeCondition => {
    const old = prev?.conditions?.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
      reason,
      message,
    };
  };
  const ready = f.runtimeHealthy
    ? cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
    : cond('Ready', 'False', 'KubeletNotReady', `container runtime is down: ${f.runtimeMessage ?? 'unreachable'}`);
  const status: NodeStatus = {
    capacity,
    allocatable: { ...capacity },
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      ready,
    ],
    addresses: [
      { type: 'InternalIP', address: f.nodeIP },
      { type: 'Hostname', address: f.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.grpcPort } },
    nodeInfo: {
      machineID: f.system.machineID,
      systemUUID: f.system.systemUUID,
      bootID: f.system.bootID,
      kernelVersion: f.system.kernelVersion,
      osImage: f.system.osImage,
      containerRuntimeVersion: `docker://${f.runtimeVersion}`,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: f.system.operatingSystem,
      architecture: f.system.architecture,
    },
  };
  if (f.images) status.images = f.images;
  return status;
}

/** Whether two statuses differ in anything but heartbeat times. */
export function nodeStatusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  if (!a) return true;
  const strip = (s: NodeStatus) => ({ ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return canonicalJson(strip(a)) !== canonicalJson(strip(b));
}

export interface ReporterOptions {
  client: RestClient;
  nodeName: string;
  log: Logger;
  /** current facts (called for every report) */
  facts: () => Promise<NodeFacts>;
  onNode?: (node: Node) => void;
  /** annotations the kubelet publishes on its Node (e.g. its root dir for the local-path provisioner) */
  annotations?: Record<string, string>;
  /** --node-labels: set at registration, and added when missing on an existing Node */
  labels?: Record<string, string>;
  /** --register-with-taints: only when the Node is created (as in Kubernetes, later edits to taints are kept) */
  taints?: Taint[];
}

export class NodeStatusReporter {
  private node?: Node;
  private lastPosted?: NodeStatus;
  private lastPostAt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: ReporterOptions) {}

  get current(): Node | undefined {
    return this.node;
  }

  /** Creates the Node (or adopts an existing one) and posts its status. Throws when the apiserver is unreachable. */
  async register(): Promise<Node> {
    const f = await this.o.facts();
    const now = nowTime();
    const labels = { ...this.o.labels, ...nodeLabels(this.o.nodeName, f.system) };
    const body: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.o.nodeName, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', ...this.o.annotations } },
      spec: this.o.taints?.length ? { taints: this.o.taints.map((t) => ({ ...t })) } : {},
      status: buildNodeStatus(f, undefined, now),
    };
    let node: Node;
    try {
      node = await this.o.client.create<Node>(nodes, undefined, body, { timeoutMs: 10_000 });
      this.o.log.info({ node: this.o.nodeName }, 'registered node');
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      node = await this.o.client.get<Node>(nodes, undefined, this.o.nodeName, { timeoutMs: 10_000 });
      const missing = Object.entries(labels).filter(([k, v]) => node.metadata.labels?.[k] !== v);
      if (missing.length) {
        node = await this.o.client.patch<Node>(nodes, undefined, this.o.nodeName, { metadata: { labels: Object.fromEntries(missing) } }, 'merge', { timeoutMs: 10_000 });
      }
      const stale = Object.entries(this.o.annotations ?? {}).filter(([k, v]) => node.metadata.annotations?.[k] !== v);
      if (stale.length) {
        node = await this.o.client.patch<Node>(nodes, undefined, this.o.nodeName, { metadata: { annotations: Object.fromEntries(stale) } }, 'merge', { timeoutMs: 10_000 });
      }
    }
    this.setNode(node);
    await this.report(true);
    return this.node ?? node;
  }

  /** Writes spec.podCIDR when the control plane left it empty. */
  async setPodCIDR(cidr: string): Promise<void> {
    const node = await this.o.client.patch<Node>(nodes, undefined, this.o.nodeName, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge', { timeoutMs: 10_000 });
    this.setNode(node);
  }

  async refresh(): Promise<Node> {
    const node = await this.o.client.get<Node>(nodes, undefined, this.o.nodeName, { timeoutMs: 10_000 });
    this.setNode(node);
    return node;
  }

  /** Reports every 10 s: a changed status at once, an unchanged one at least every minute. */
  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.report(false)
        .catch((e: unknown) => this.o.log.warn({ node: this.o.nodeName, err: (e as Error).message }, 'node status update failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, STATUS_REPORT_MS);
        });
    };
    this.timer = setTimeout(loop, STATUS_REPORT_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async report(force: boolean): Promise<void> {
    const f = await this.o.facts();
    const status = buildNodeStatus(f, this.node?.status ?? this.lastPosted, nowTime());
    const due = Date.now() - this.lastPostAt >= STATUS_FORCE_MS;
    if (!force && !due && !nodeStatusChanged(this.lastPosted, status)) return;
    try {
      const node = await this.o.client.patch<Node>(nodes, undefined, this.o.nodeName, { status }, 'merge', { subresource: 'status', timeoutMs: 10_000 });
      this.setNode(node);
    } catch (e) {
      // The node object was deleted: register it again.
      if (isNotFound(e)) {
        await this.register();
        return;
      }
      throw e;
    }
    this.lastPosted = status;
    this.lastPostAt = Date.now();
  }

  private setNode(node: Node): void {
    this.node = node;
    this.o.onNode?.(node);
  }
}

