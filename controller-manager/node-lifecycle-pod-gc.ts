// Pod GC: force-deletes (grace 0) pods no kubelet will confirm gone — those
// terminating on a node that is not Ready, and those bound to a node that no
// longer exists — so the names are freed and controllers count them as gone.
import { isConflict, isNotFound } from '../api/errors.js';
import { objectKey } from '../api/meta.js';
import type { Node, Pod } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import { readyStatus } from './node-lifecycle-health.js';
import { decideOrphanPod, decideTerminatingPod, type PodGcDecision } from './node-lifecycle-pod-gc-decide.js';
import { nodeInformer, NODES, podInformer, PODS, podsOnNode } from './node-lifecycle-pods.js';
import type { ControllerManagerOptions } from './options.js';

/** A full pass over the cache catches anything an event missed. */
const SWEEP_MS = 20_000;

export class PodGcController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  /** node name → when a live read first confirmed it missing */
  private readonly missingSince = new Map<string, number>();

  constructor(ctx: ControllerContext, _opts: ControllerManagerOptions) {
    super('pod-gc', ctx);
    this.nodes = nodeInformer(ctx.informers);
    this.pods = podInformer(ctx.informers);
    this.pods.on('add', (p) => this.onPod(p));
    this.pods.on('update', (_o, p) => this.onPod(p));
    this.nodes.on('add', (n) => {
      this.missingSince.delete(n.metadata.name ?? '');
    });
    this.nodes.on('update', (o, n) => {
      if (readyStatus(o) !== readyStatus(n)) this.enqueuePodsOn(n.metadata.name ?? '', true);
    });
    this.nodes.on('delete', (n) => this.enqueuePodsOn(n.metadata.name ?? '', false));
  }

  override async run(workers: number, signal: AbortSignal): Promise<void> {
    const sweep = setInterval(() => {
      for (const p of this.pods.store.list()) this.onPod(p);
      for (const name of this.missingSince.keys()) if (podsOnNode(this.pods, name).length === 0) this.missingSince.delete(name);
    }, SWEEP_MS);
    try {
      await super.run(workers, signal);
    } finally {
      clearInterval(sweep);
    }
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const now = Date.now();
    let decision: PodGcDecision;
    const node = this.nodes.store.getByName(undefined, nodeName) ?? (await this.liveNode(nodeName));
    if (node) {
      this.missingSince.delete(nodeName);
      decision = decideTerminatingPod({
        deletionTimestamp: pod.metadata.deletionTimestamp,
        deletionGracePeriodSeconds: pod.metadata.deletionGracePeriodSeconds,
        nodeReady: readyStatus(node),
        nowMs: now,
      });
    } else {
      let since = this.missingSince.get(nodeName);
      if (since === undefined) this.missingSince.set(nodeName, (since = now));
      decision = decideOrphanPod(since, now);
    }
    if (decision.action === 'recheck') this.queue.addAfter(key, decision.afterMs);
    if (decision.action !== 'forceDelete') return;
    try {
      await this.ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      });
      this.log.info({ pod: key, node: nodeName, orphaned: !node }, node ? 'force-deleted pod terminating on a node that is not ready' : 'force-deleted pod bound to a missing node');
    } catch (e) {
      // Gone already, or the name belongs to a new pod now.
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  /** The cache may not have seen a new node yet: only a live 404 counts as missing. */
  private async liveNode(name: string): Promise<Node | undefined> {
    try {
      return await this.ctx.client.get<Node>(NODES, undefined, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private onPod(p: Pod): void {
    const nodeName = p.spec?.nodeName;
    if (!nodeName) return;
    const node = this.nodes.store.getByName(undefined, nodeName);
    if (!node || (p.metadata.deletionTimestamp && readyStatus(node) !== 'True')) this.enqueue(p);
  }

  private enqueuePodsOn(nodeName: string, terminatingOnly: boolean): void {
    for (const p of podsOnNode(this.pods, nodeName)) {
      if (!terminatingOnly || p.metadata.deletionTimestamp) this.queue.add(objectKey(p));
    }
  }
}
