// Taint-based eviction (Kubernetes' taint-eviction-controller): deletes pods
// bound to a node with NoExecute taints they do not tolerate, at once or when
// their tolerationSeconds run out, counted from each taint's timeAdded.
import { isConflict, isNotFound } from '../api/errors.js';
import { objectKey } from '../api/meta.js';
import type { Node, Pod, Taint } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import { nodeInformer, podInformer, PODS, podsOnNode } from './node-lifecycle-pods.js';
import type { ControllerManagerOptions } from './options.js';
import { evictionTime } from './taint-eviction-decide.js';

export class TaintEvictionController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  /** when a taint without timeAdded was first seen, by `node|key|effect|value` */
  private readonly firstSeen = new Map<string, number>();

  constructor(ctx: ControllerContext, private readonly opts: ControllerManagerOptions) {
    super('taint-eviction', ctx);
    this.nodes = nodeInformer(ctx.informers);
    this.pods = podInformer(ctx.informers);
    this.pods.on('add', (p) => this.onPod(p));
    this.pods.on('update', (_o, p) => this.onPod(p));
    this.nodes.on('add', (n) => this.onNode(undefined, n));
    this.nodes.on('update', (o, n) => this.onNode(o, n));
    this.nodes.on('delete', (n) => this.forgetNode(n.metadata.name ?? ''));
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const node = this.nodes.store.getByName(undefined, nodeName);
    if (!node) return;
    const now = Date.now();
    const at = evictionTime({
      taints: node.spec?.taints,
      tolerations: pod.spec?.tolerations,
      nowMs: now,
      defaultTolerationSeconds: this.opts.defaultTolerationSeconds,
      firstSeenMs: (t) => this.firstSeenOf(nodeName, t, now),
    });
    if (at === undefined) return;
    if (at > now) {
      this.queue.addAfter(key, at - now);
      return;
    }
    await this.evict(pod, nodeName);
  }

  private async evict(pod: Pod, nodeName: string): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    this.ctx.recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata }, 'Normal', 'TaintManagerEviction',
      `Marking for deletion Pod ${namespace}/${name}`);
    try {
      // An ordinary (graceful) delete: the kubelet stops the containers, or pod GC
      // force-deletes the pod if the node never comes back to confirm.
      await this.ctx.client.delete(PODS, namespace, name ?? '', { preconditions: { uid } });
      this.log.info({ pod: `${namespace}/${name}`, node: nodeName }, 'evicted pod from tainted node');
    } catch (e) {
      // Already gone, or the name now belongs to a new pod (which gets its own sync).
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private onPod(p: Pod): void {
    if (!p.spec?.nodeName || p.metadata.deletionTimestamp) return;
    const node = this.nodes.store.getByName(undefined, p.spec.nodeName);
    if (node && noExecute(node).length) this.enqueue(p);
  }

  private onNode(old: Node | undefined, n: Node): void {
    const before = old ? noExecute(old) : [];
    const after = noExecute(n);
    this.forgetNode(n.metadata.name ?? '', after);
    if (after.length === 0 && before.length === 0) return;
    if (old && old !== n && JSON.stringify(before) === JSON.stringify(after)) return;
    for (const p of podsOnNode(this.pods, n.metadata.name ?? '')) {
      if (!p.metadata.deletionTimestamp) this.queue.add(objectKey(p));
    }
  }

  private firstSeenOf(nodeName: string, t: Taint, now: number): number {
    const k = `${nodeName}|${t.key}|${t.effect}|${t.value ?? ''}`;
    let at = this.firstSeen.get(k);
    if (at === undefined) this.firstSeen.set(k, (at = now));
    return at;
  }

  /** Drops first-seen times of the node's taints, except those still present. */
  private forgetNode(nodeName: string, keep: Taint[] = []): void {
    const kept = new Set(keep.map((t) => `${nodeName}|${t.key}|${t.effect}|${t.value ?? ''}`));
    for (const k of this.firstSeen.keys()) if (k.startsWith(`${nodeName}|`) && !kept.has(k)) this.firstSeen.delete(k);
  }
}

function noExecute(n: Node): Taint[] {
  return (n.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
