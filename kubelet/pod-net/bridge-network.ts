// The kubelet's own pod network (kubenet-style): pause containers start with
// Docker's `none` network and the kubelet plugs a veth into them on its bridge,
// with an IP it allocates, masquerade and hostPort rules it renders. Docker's
// user-defined networks would do the same but start an embedded DNS server in every
// sandbox, which measured here costs ≈150 ms per pod start; pods get their
// resolv.conf from the kubelet anyway.
import type { Logger } from 'pino';
import type { Pod } from '../../api/types/index.js';
import { chainRules, ensureJump, mustRun } from '../host-commands.js';
import type { ObservedContainer } from '../runtime/types.js';
import { bridgeJumps, hostPortsOf, renderBridgeChains, type HostPortMapping } from './bridge-rules.js';
import { PodIPAllocator, podRange } from './ipam.js';
import { attachSandbox, ensureBridge, linkExists, vethName } from './link.js';

const PENDING = 'pending:';
const RESYNC_MS = 30_000;

export interface BridgeNetworkOptions {
  nodeName: string;
  bridge: string;
  /** the node's podCIDR, network form (`10.244.3.0/24`) */
  podCIDR: string;
  gateway: string;
  clusterCIDR?: string;
  /** pid of a running container's first process */
  pidOf: (containerId: string) => Promise<number>;
  /** every sandbox of this node that Docker has, any state */
  listSandboxes: () => Promise<ObservedContainer[]>;
  log: Logger;
}

export class BridgeNetwork {
  private readonly allocator: PodIPAllocator;
  private readonly prefix: number;
  /** sandbox id → its hostPorts, as last rendered */
  private readonly hostPorts = new Map<string, HostPortMapping[]>();
  /** sandboxes this process has plumbed or checked */
  private readonly plumbed = new Set<string>();
  private queuedWrite?: Promise<void>;
  private lastWrite: Promise<void> = Promise.resolve();
  private filterHook = 'FORWARD';
  private timer?: NodeJS.Timeout;
  private nextToken = 0;

  constructor(private readonly o: BridgeNetworkOptions) {
    this.allocator = new PodIPAllocator(o.podCIDR);
    this.prefix = podRange(o.podCIDR).prefix;
  }

  get bridge(): string {
    return this.o.bridge;
  }

  /** Creates the bridge and the rules, learns the IPs existing sandboxes hold. */
  async start(): Promise<void> {
    await ensureBridge(this.o.bridge, this.o.gateway, this.prefix);
    await this.resync();
    this.timer = setInterval(() => {
      this.resync().catch((e: unknown) => this.o.log.warn({ err: (e as Error).message }, 'pod network resync failed'));
    }, RESYNC_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** An IP for a sandbox about to be created; give the token to bound() or abandon(). */
  reserve(): { ip: string; token: string } {
    const token = `${PENDING}${this.nextToken++}`;
    return { ip: this.allocator.reserve(token), token };
  }

  bound(ip: string, containerId: string): void {
    this.allocator.bind(ip, containerId);
  }

  abandon(token: string): void {
    this.allocator.release(token);
  }

  /**
   * Makes a running sandbox's network whole: plugs it into the bridge unless this
   * process already did, and publishes its hostPorts. Cheap when nothing changed.
   */
  async ensureSandbox(pod: Pod, sandbox: Pick<ObservedContainer, 'id' | 'ip' | 'state'>): Promise<void> {
    const ip = sandbox.ip;
    if (!ip || sandbox.state !== 'running') return;
    if (!this.plumbed.has(sandbox.id) || !linkExists(vethName(sandbox.id))) {
      const t0 = Date.now();
      await attachSandbox({ containerId: sandbox.id, pid: await this.o.pidOf(sandbox.id), bridge: this.o.bridge, ip, prefix: this.prefix, gateway: this.o.gateway });
      this.plumbed.add(sandbox.id);
      this.allocator.bind(ip, sandbox.id);
      this.o.log.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, ip, ms: Date.now() - t0 }, 'sandbox plugged into the pod bridge');
    }
    const want = hostPortsOf(pod, ip);
    const have = this.hostPorts.get(sandbox.id) ?? [];
    if (JSON.stringify(want) !== JSON.stringify(have)) {
      if (want.length) this.hostPorts.set(sandbox.id, want);
      else this.hostPorts.delete(sandbox.id);
      await this.writeRules();
    }
  }

  /** A sandbox container was removed: its IP and hostPorts are free. */
  removed(containerId: string): void {
    this.plumbed.delete(containerId);
    this.allocator.release(containerId);
    if (this.hostPorts.delete(containerId)) {
      this.writeRules().catch((e: unknown) => this.o.log.warn({ err: (e as Error).message }, 'rewriting hostPort rules failed'));
    }
  }

  /** Rebuilds IPs and hostPorts from the sandboxes Docker has, rewrites the rules and their jumps (repairs drift). */
  async resync(): Promise<void> {
    const sandboxes = await this.o.listSandboxes();
    this.allocator.resync(sandboxes, (h) => h.startsWith(PENDING));
    const running = new Set(sandboxes.filter((s) => s.state === 'running').map((s) => s.id));
    for (const id of this.hostPorts.keys()) if (!running.has(id)) this.hostPorts.delete(id);
    for (const id of this.plumbed) if (!running.has(id)) this.plumbed.delete(id);
    this.filterHook = (await chainRules('filter', 'DOCKER-USER')).exists ? 'DOCKER-USER' : 'FORWARD';
    await this.writeRules();
    for (const j of bridgeJumps(this.o.nodeName, this.filterHook)) {
      if (await ensureJump(j.table, j.hook, j.args, j.first)) this.o.log.info({ node: this.o.nodeName, table: j.table, hook: j.hook }, 'pod bridge rule jump installed');
    }
  }

  /** Writes the current rules; concurrent callers share one queued write, which always renders the latest state. */
  private writeRules(): Promise<void> {
    if (this.queuedWrite) return this.queuedWrite;
    const write = this.lastWrite.catch(() => undefined).then(async () => {
      this.queuedWrite = undefined;
      const rules = renderBridgeChains({
        nodeName: this.o.nodeName, bridge: this.o.bridge, podCIDR: this.o.podCIDR, clusterCIDR: this.o.clusterCIDR,
        hostPorts: [...this.hostPorts.values()].flat(),
      });
      await mustRun('iptables-restore', ['--noflush', '-w', '5'], rules);
    });
    this.queuedWrite = write;
    this.lastWrite = write;
    return write;
  }
}
