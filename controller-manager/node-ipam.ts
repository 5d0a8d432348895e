// Node IPAM (Kubernetes' range allocator): gives every Node without a podCIDR
// the next free /node-cidr-mask-size subnet of the cluster CIDR. What is taken
// is rebuilt from the Nodes at start and kept in memory after that; a subnet
// is freed when its node is deleted.
import { isApiError, isNotFound } from '../api/errors.js';
import type { Node } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import { CidrExhaustedError, CidrSet } from './node-ipam-cidr-set.js';
import { nodeInformer, NODES } from './node-lifecycle-pods.js';
import type { ControllerManagerOptions } from './options.js';

export class NodeIpamController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly cidrs: CidrSet;
  /** node name → the CIDR it holds (assigned by us, possibly not yet visible in the cache) */
  private readonly held = new Map<string, string>();
  private rebuilt = false;

  constructor(ctx: ControllerContext, opts: ControllerManagerOptions) {
    super('node-ipam', ctx);
    this.cidrs = new CidrSet(opts.clusterCidr, opts.nodeCidrMaskSize);
    this.nodes = nodeInformer(ctx.informers);
    this.nodes.on('add', (n) => this.enqueue(n));
    this.nodes.on('update', (o, n) => {
      if (podCidrOf(o) !== podCidrOf(n) || !podCidrOf(n)) this.enqueue(n);
    });
    this.nodes.on('delete', (n) => this.onDelete(n));
  }

  /** Starts only on a synced cache: allocating before every taken CIDR is known could hand one out twice. */
  override async run(workers: number, signal: AbortSignal): Promise<void> {
    if (!(await this.nodes.waitForSync(signal))) return;
    this.rebuild();
    return super.run(workers, signal);
  }

  private rebuild(): void {
    for (const node of this.nodes.store.list()) this.claim(node);
    this.rebuilt = true;
    this.log.info({ clusterCidr: this.cidrs.clusterCidr, maskSize: this.cidrs.maskSize, taken: this.held.size, free: this.cidrs.free },
      'node CIDR allocations rebuilt from existing nodes');
  }

  async sync(name: string): Promise<void> {
    if (!this.rebuilt) throw new Error('node IPAM is not rebuilt yet');
    const node = this.nodes.store.getByName(undefined, name);
    if (!node) return;
    if (podCidrOf(node)) {
      this.claim(node);
      return;
    }
    let cidr = this.held.get(name);
    if (!cidr) {
      try {
        cidr = this.cidrs.allocate();
      } catch (e) {
        if (!(e instanceof CidrExhaustedError)) throw e;
        this.ctx.recorder.event(nodeRef(node), 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        this.log.warn({ node: name, clusterCidr: this.cidrs.clusterCidr }, e.message);
        return; // retried when a node's deletion frees a subnet
      }
      this.held.set(name, cidr);
    }
    try {
      await this.ctx.client.patch<Node>(NODES, undefined, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge');
      this.log.info({ node: name, podCIDR: cidr }, 'assigned pod CIDR');
    } catch (e) {
      // 404: the node is gone. 422: someone else set its podCIDR first; the next sync adopts theirs.
      if (isNotFound(e) || (isApiError(e) && e.code === 422)) {
        this.releaseHeld(name);
        if (!isNotFound(e)) this.enqueue(node);
        return;
      }
      throw e; // keep holding the CIDR for this node and retry
    }
  }

  /** Records a node's existing podCIDR as taken. */
  private claim(node: Node): void {
    const name = node.metadata.name ?? '';
    const cidr = podCidrOf(node);
    if (!cidr) return;
    const mine = this.held.get(name);
    if (mine === cidr) return;
    if (mine) this.releaseHeld(name);
    if (this.cidrs.isUsed(cidr)) {
      const other = [...this.held].find(([, c]) => c === cidr)?.[0];
      this.log.warn({ node: name, podCIDR: cidr, alsoUsedBy: other }, 'node podCIDR overlaps another node\'s');
      this.ctx.recorder.event(nodeRef(node), 'Warning', 'CIDRAssignmentFailed', `Node ${name} podCIDR ${cidr} overlaps ${other ? `node ${other}` : 'another node'}`);
    }
    if (!this.cidrs.occupy(cidr)) {
      this.log.debug({ node: name, podCIDR: cidr }, 'node podCIDR lies outside the cluster CIDR; not tracked');
      return;
    }
    this.held.set(name, cidr);
  }

  private onDelete(node: Node): void {
    const name = node.metadata.name ?? '';
    if (!this.held.has(name)) return;
    this.releaseHeld(name);
    // A subnet came free: nodes left without one can have it.
    for (const n of this.nodes.store.list()) if (!podCidrOf(n)) this.enqueue(n);
  }

  private releaseHeld(name: string): void {
    const cidr = this.held.get(name);
    if (!cidr) return;
    this.held.delete(name);
    // Another node may overlap the same subnet (a misconfigured --pod-cidr): keep it taken then.
    if ([...this.held.values()].includes(cidr)) return;
    this.cidrs.release(cidr);
    this.log.info({ node: name, podCIDR: cidr }, 'released pod CIDR');
  }
}

function podCidrOf(n: Node): string | undefined {
  return n.spec?.podCIDRs?.[0] || n.spec?.podCIDR || undefined;
}

function nodeRef(n: Node): { apiVersion: string; kind: string; metadata: { name?: string; uid?: string } } {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: n.metadata.name, uid: n.metadata.name } };
}
