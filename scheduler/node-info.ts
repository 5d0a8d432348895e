// One node as the scheduler sees it: the Node's scheduling-relevant fields, and
// running sums over the pods on it (bound or assumed), kept up to date
// incrementally so a filter or score is a few number comparisons.
import type { Node, Taint } from '../api/types/index.js';
import { WILDCARD_IP, type HostPort, type PodInfo } from './pod-info.js';
import { addInto, emptyResources, fromResourceList, valueOf, type Resources } from './resources.js';

export type ReadyStatus = 'True' | 'False' | 'Unknown';

export class NodeInfo {
  /** undefined while only pods bound to a node we haven't seen (or that was deleted) remain */
  node?: Node;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  ready: ReadyStatus = 'Unknown';
  allocatable: Resources = emptyResources();
  allowedPods = 0;

  /** sum of the pods' actual requests: what fit is checked against */
  readonly requested: Resources = emptyResources();
  /** sum with defaults for containers without requests: what scoring compares */
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  readonly pods = new Map<string, PodInfo>();
  /** `protocol/port` → hostIP → pods using it */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** spread key → pods on this node with it */
  readonly spreadCounts = new Map<string, number>();

  constructor(readonly name: string) {}

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    this.ready = ready === 'True' || ready === 'False' ? ready : 'Unknown';
    const alloc = node.status?.allocatable ?? node.status?.capacity;
    this.allocatable = fromResourceList(alloc);
    this.allowedPods = valueOf(alloc?.pods);
  }

  clearNode(): void {
    this.node = undefined;
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.uid)) this.removePod(p.uid);
    this.pods.set(p.uid, p);
    this.account(p, 1);
  }

  removePod(uid: string): PodInfo | undefined {
    const p = this.pods.get(uid);
    if (!p) return undefined;
    this.pods.delete(uid);
    this.account(p, -1);
    return p;
  }

  /** True when `port` collides with one already used: same protocol and port, and the same or a wildcard address. */
  portInUse(port: HostPort): boolean {
    const ips = this.usedPorts.get(`${port.protocol}/${port.port}`);
    if (!ips || ips.size === 0) return false;
    return port.ip === WILDCARD_IP || ips.has(WILDCARD_IP) || ips.has(port.ip);
  }

  spreadCount(key: string): number {
    return this.spreadCounts.get(key) ?? 0;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    addInto(this.requested, p.requests, sign);
    this.nonZeroCPU += sign * p.nonZeroCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      let ips = this.usedPorts.get(k);
      if (!ips) this.usedPorts.set(k, (ips = new Map()));
      const n = (ips.get(hp.ip) ?? 0) + sign;
      if (n > 0) ips.set(hp.ip, n);
      else ips.delete(hp.ip);
      if (ips.size === 0) this.usedPorts.delete(k);
    }
    if (p.spreadKey) {
      const n = (this.spreadCounts.get(p.spreadKey) ?? 0) + sign;
      if (n > 0) this.spreadCounts.set(p.spreadKey, n);
      else this.spreadCounts.delete(p.spreadKey);
    }
  }
}
