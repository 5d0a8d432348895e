// Node lifecycle: notices kubelets that stopped heartbeating (Lease renewTime or
// Ready heartbeat unchanged for the grace period), marks their nodes' conditions
// Unknown, keeps the not-ready/unreachable taints in line with Ready, and marks
// the pods on a node that is not Ready as not Ready themselves.
import { isConflict, isNotFound } from '../api/errors.js';
import type { Lease, Node, Pod, PodCondition } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';
import { heartbeatSignature, isHeartbeatStale, markConditionsUnknown, msUntilStale, observeHeartbeat, readyStatus, type HeartbeatObservation } from './node-lifecycle-health.js';
import { leaseInformer, nodeInformer, NODE_LEASE_NAMESPACE, NODES, podInformer, PODS, podsOnNode } from './node-lifecycle-pods.js';
import { reconcileTaints } from './node-lifecycle-taints.js';
import { formatTime } from '../api/time.js';

export class NodeLifecycleController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  /** heartbeat observations by node name; a restart starts every node's grace period afresh, as in Kubernetes */
  private readonly health = new Map<string, HeartbeatObservation>();

  constructor(ctx: ControllerContext, private readonly opts: ControllerManagerOptions) {
    super('node-lifecycle', ctx);
    this.nodes = nodeInformer(ctx.informers);
    this.leases = leaseInformer(ctx.informers);
    this.pods = podInformer(ctx.informers);
    this.nodes.on('add', (n) => this.enqueue(n));
    this.nodes.on('update', (_o, n) => this.enqueue(n));
    this.nodes.on('delete', (n) => {
      this.health.delete(n.metadata.name ?? '');
    });
    const onLease = (l: Lease): void => {
      if (l.metadata.namespace === NODE_LEASE_NAMESPACE && l.metadata.name) this.queue.add(l.metadata.name);
    };
    this.leases.on('add', onLease);
    this.leases.on('update', (_o, l) => onLease(l));
    this.leases.on('delete', onLease);
    // A pod bound to a node that is already not Ready must be marked too.
    this.pods.on('add', (p) => this.onPod(p));
    this.pods.on('update', (_o, p) => this.onPod(p));
  }

  /** Besides events, every node is checked each monitor period: silence produces no events. */
  override async run(workers: number, signal: AbortSignal): Promise<void> {
    const tick = setInterval(() => {
      for (const n of this.nodes.store.list()) this.enqueue(n);
    }, this.opts.nodeMonitorPeriodMs);
    try {
      await super.run(workers, signal);
    } finally {
      clearInterval(tick);
    }
  }

  async sync(name: string): Promise<void> {
    let node = this.nodes.store.getByName(undefined, name);
    if (!node) {
      this.health.delete(name);
      return;
    }
    const now = Date.now();
    const lease = this.leases.store.getByName(NODE_LEASE_NAMESPACE, name);
    const obs = observeHeartbeat(this.health.get(name), heartbeatSignature(node, lease), now);
    this.health.set(name, obs);

    if (isHeartbeatStale(obs, now, this.opts.nodeMonitorGracePeriodMs)) {
      node = await this.markUnknown(node, now);
    } else {
      // Check again right when it would go stale, not a monitor period later.
      this.queue.addAfter(name, msUntilStale(obs, now, this.opts.nodeMonitorGracePeriodMs));
    }
    node = await this.syncTaints(node, now);
    if (readyStatus(node) === 'False' || readyStatus(node) === 'Unknown') await this.markPodsNotReady(node);
  }

  private async markUnknown(node: Node, now: number): Promise<Node> {
    const conditions = markConditionsUnknown(node.status?.conditions, formatTime(now), node.metadata.creationTimestamp);
    if (!conditions) return node;
    const wasReady = readyStatus(node);
    const updated = await this.ctx.client.updateStatus<Node>(NODES, undefined, { ...node, status: { ...node.status, conditions } });
    this.log.info({ node: node.metadata.name, was: wasReady ?? 'never reported' }, 'kubelet stopped posting node status; conditions set to Unknown');
    if (wasReady !== 'Unknown') {
      this.ctx.recorder.event(nodeRef(updated), 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    }
    return updated;
  }

  private async syncTaints(node: Node, now: number): Promise<Node> {
    const ready = readyStatus(node);
    const taints = reconcileTaints(node.spec?.taints, ready, node.spec?.unschedulable === true, formatTime(now));
    if (!taints) return node;
    const spec: NonNullable<Node['spec']> = { ...node.spec, taints };
    if (taints.length === 0) delete spec.taints;
    const updated = await this.ctx.client.update<Node>(NODES, undefined, { ...node, spec });
    this.log.info({ node: node.metadata.name, ready: ready ?? 'never reported', taints: (taints ?? []).map((t) => `${t.key}:${t.effect}`) }, 'node taints updated');
    return updated;
  }

  /** Kubernetes' MarkPodsNotReady: the node cannot vouch for them any more. */
  private async markPodsNotReady(node: Node): Promise<void> {
    const errors: unknown[] = [];
    for (const pod of podsOnNode(this.pods, node.metadata.name ?? '')) {
      if (pod.metadata.deletionTimestamp) continue;
      const conditions = pod.status?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const next: PodCondition[] = conditions.map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: formatTime(Date.now()) } : c);
      try {
        await this.ctx.client.updateStatus<Pod>(PODS, pod.metadata.namespace, { ...pod, status: { ...pod.status, conditions: next } });
        this.ctx.recorder.event(podRef(pod), 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        // Gone or changed meanwhile: the pod's own update brings it back here.
        if (!isNotFound(e) && !isConflict(e)) errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
  }

  private onPod(p: Pod): void {
    const nodeName = p.spec?.nodeName;
    if (!nodeName || p.metadata.deletionTimestamp) return;
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') return;
    const node = this.nodes.store.getByName(undefined, nodeName);
    if (node && readyStatus(node) !== 'True' && readyStatus(node) !== undefined) this.queue.add(nodeName);
  }
}

function nodeRef(n: Node): { apiVersion: string; kind: string; metadata: { name?: string; uid?: string } } {
  // Events about cluster-scoped nodes live in `default`, named by the node's name as uid, as the kubelet does.
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: n.metadata.name, uid: n.metadata.name } };
}

function podRef(p: Pod): { apiVersion: string; kind: string; metadata: Pod['metadata'] } {
  return { apiVersion: 'v1', kind: 'Pod', metadata: p.metadata };
}
