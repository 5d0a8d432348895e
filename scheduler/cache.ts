// The scheduler's view of the cluster: every node with the pods on it, both
// bound ones (from the informer) and assumed ones (placed by us, binding still
// in flight), so the next cycle already counts their resources.
import type { Node } from '../api/types/index.js';
import { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

interface PodState {
  info: PodInfo;
  node: string;
  /** placed by this scheduler and not yet seen bound by the informer */
  assumed: boolean;
  /** for assumed pods: the bind call returned and the informer should confirm soon */
  expiresAt?: number;
}

export interface CacheOptions {
  /** an assumed pod whose binding succeeded but which the informer never confirmed is dropped after this */
  assumedTtlMs?: number;
  now?: () => number;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** nodes that have a Node object: the ones pods can be scheduled to */
  private readonly list: NodeInfo[] = [];
  private readonly listIndex = new Map<string, number>();
  private readonly pods = new Map<string, PodState>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(opts: CacheOptions = {}) {
    this.ttl = opts.assumedTtlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Schedulable nodes in a stable order; the array is live, don't keep it across cycles. */
  nodeList(): readonly NodeInfo[] {
    return this.list;
  }

  getNode(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  get podCount(): number {
    return this.pods.size;
  }

  // ---- nodes ----

  setNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    ni.setNode(node);
    if (!this.listIndex.has(name)) {
      this.listIndex.set(name, this.list.length);
      this.list.push(ni);
    }
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    const i = this.listIndex.get(name);
    if (i !== undefined) {
      const last = this.list.pop() as NodeInfo;
      if (i < this.list.length) {
        this.list[i] = last;
        this.listIndex.set(last.name, i);
      }
      this.listIndex.delete(name);
    }
    // Pods still bound to it keep being accounted until they are deleted.
    ni.clearNode();
    if (ni.pods.size === 0) this.nodes.delete(name);
  }

  // ---- pods ----

  isAssumed(uid: string): boolean {
    return this.pods.get(uid)?.assumed === true;
  }

  /** Known to the cache at all: assumed or bound. */
  hasPod(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** Places a pod on a node before its binding is confirmed. */
  assume(info: PodInfo, nodeName: string): void {
    if (this.pods.has(info.uid)) throw new Error(`pod ${info.key} is already in the cache`);
    this.nodeFor(nodeName).addPod(info);
    this.pods.set(info.uid, { info, node: nodeName, assumed: true });
  }

  /** The bind call succeeded; the informer's confirmation is expected within the TTL. */
  finishBinding(uid: string): void {
    const st = this.pods.get(uid);
    if (st?.assumed) st.expiresAt = this.now() + this.ttl;
  }

  /** Undoes assume() after a failed binding; a pod the informer already confirmed stays. */
  forget(uid: string): void {
    const st = this.pods.get(uid);
    if (!st?.assumed) return;
    this.drop(uid, st);
  }

  /** A pod bound to a node, as the informer reports it; confirms an assumed pod. */
  addOrUpdatePod(info: PodInfo, nodeName: string): void {
    const st = this.pods.get(info.uid);
    if (st) {
      this.nodes.get(st.node)?.removePod(info.uid);
      this.pruneGhost(st.node);
    }
    this.nodeFor(nodeName).addPod(info);
    this.pods.set(info.uid, { info, node: nodeName, assumed: false });
  }

  removePod(uid: string): void {
    const st = this.pods.get(uid);
    if (st) this.drop(uid, st);
  }

  /** Drops assumed pods whose binding finished long ago without the informer confirming it; returns how many. */
  cleanupExpired(): number {
    const now = this.now();
    let n = 0;
    for (const [uid, st] of this.pods) {
      if (st.assumed && st.expiresAt !== undefined && st.expiresAt < now) {
        this.drop(uid, st);
        n++;
      }
    }
    return n;
  }

  private drop(uid: string, st: PodState): void {
    this.pods.delete(uid);
    this.nodes.get(st.node)?.removePod(uid);
    this.pruneGhost(st.node);
  }

  private nodeFor(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    // A pod can be seen bound before its node: keep its accounting for when the node appears.
    if (!ni) this.nodes.set(name, (ni = new NodeInfo(name)));
    return ni;
  }

  private pruneGhost(name: string): void {
    const ni = this.nodes.get(name);
    if (ni && !ni.node && ni.pods.size === 0) this.nodes.delete(name);
  }
}
