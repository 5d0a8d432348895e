// Keeps this host's part of the cross-node pod network in line with the Node list:
// a host-gw route to every other node's podCIDR (kernel routes tagged with proto
// 0x4b and this node's metric), plus the iptables chains that exempt pod→pod
// traffic from masquerade and let it be forwarded. Node events only enqueue one
// key; sync() recomputes everything from the informer cache and the kernel, so it
// is level-triggered and idempotent, and a periodic resync repairs drift.
import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import { findResource } from '../api/resources.js';
import type { Node } from '../api/types/index.js';
import { Informer, RateLimitingQueue, runWorkers, type RestClient } from '../client/index.js';
import {
  chainNames, jumpArgs, ownedChainsIn, renderChainRemoval, renderChains,
  type PodNetworkRulesConfig,
} from './pod-network-rules.js';
import {
  canonicalCidr, connectedRoutes, desiredRoutes, diffRoutes, nodeInternalIP, ownedRoutes, routeMetric, ROUTE_PROTO,
  type IpJsonRoute, type SkippedNode,
} from './pod-routes.js';
import { chainRules, ensureJump, mustRun, removeJumps, run } from './host-commands.js';
import { bridgeName, deleteBridge } from './pod-net/link.js';

const nodesInfo = findResource('', 'v1', 'nodes')!;
const KEY = 'pod-network';
const DEFAULT_RESYNC_MS = 30_000;

export interface PodRoutesOptions {
  client: RestClient;
  nodeName: string;
  clusterCIDR: string;
  /** bit of the proxy's masquerade mark (kube-proxy's default 14) */
  masqueradeBit: number;
  log: Logger;
  resyncMs?: number;
}

async function ipRoutes(extra: string[]): Promise<IpJsonRoute[]> {
  const out = await mustRun('ip', ['-j', '-4', 'route', 'show', 'table', 'main', ...extra]);
  return out.trim() ? (JSON.parse(out) as IpJsonRoute[]) : [];
}

function localIPv4Addresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address));
}

/** Adds or refreshes the owned chains and their jumps (idempotent). */
export async function ensurePodNetworkRules(cfg: PodNetworkRulesConfig, log: Logger): Promise<void> {
  const names = chainNames(cfg.nodeName);
  await mustRun('iptables-restore', ['--noflush', '-w', '5'], renderChains(cfg));
  if (await ensureJump('nat', 'POSTROUTING', jumpArgs(cfg.nodeName, names.nat))) {
    log.info({ node: cfg.nodeName, table: 'nat', hook: 'POSTROUTING', chain: names.nat }, 'pod network masquerade exemption installed');
  }
  // Docker jumps to DOCKER-USER first in FORWARD and keeps it there across restarts; use it when Docker manages iptables.
  const dockerUser = (await chainRules('filter', 'DOCKER-USER')).exists;
  const hook = dockerUser ? 'DOCKER-USER' : 'FORWARD';
  if (await ensureJump('filter', hook, jumpArgs(cfg.nodeName, names.filter))) {
    log.info({ node: cfg.nodeName, table: 'filter', hook, chain: names.filter }, 'pod network forwarding rule installed');
  }
  if (dockerUser) await removeJumps('filter', 'FORWARD', names.filter);
}

/** Removes every route, jump, chain and bridge the kubelet of `nodeName` installed. */
export async function cleanupPodNetwork(nodeName: string, log: Logger): Promise<{ routes: number; jumps: number; chains: number; bridges: number }> {
  const metric = routeMetric(nodeName);
  let routes = 0;
  for (const r of ownedRoutes(await ipRoutes(['proto', String(ROUTE_PROTO)]), metric)) {
    await mustRun('ip', ['route', 'del', r.cidr, 'via', r.via, 'proto', String(ROUTE_PROTO), 'metric', String(metric)]);
    log.info({ node: nodeName, cidr: r.cidr, via: r.via }, 'pod route removed');
    routes++;
  }
  const names = chainNames(nodeName);
  let jumps = 0;
  jumps += await removeJumps('nat', 'POSTROUTING', names.nat);
  jumps += await removeJumps('filter', 'DOCKER-USER', names.filter);
  jumps += await removeJumps('filter', 'FORWARD', names.filter);
  jumps += await removeJumps('nat', 'POSTROUTING', names.masq);
  jumps += await removeJumps('nat', 'PREROUTING', names.hostPorts);
  jumps += await removeJumps('nat', 'OUTPUT', names.hostPorts);
  jumps += await removeJumps('filter', 'DOCKER-USER', names.bridge);
  jumps += await removeJumps('filter', 'FORWARD', names.bridge);
  const existing = {
    nat: ownedChainsIn((await run('iptables', ['-w', '5', '-t', 'nat', '-S'])).stdout.split('\n'), names),
    filter: ownedChainsIn((await run('iptables', ['-w', '5', '-t', 'filter', '-S'])).stdout.split('\n'), names),
  };
  const removal = renderChainRemoval(existing);
  if (removal) await mustRun('iptables-restore', ['--noflush', '-w', '5'], removal);
  const bridges = (await deleteBridge(bridgeName(nodeName))) ? 1 : 0;
  if (bridges) log.info({ node: nodeName, bridge: bridgeName(nodeName) }, 'pod bridge removed');
  return { routes, jumps, chains: existing.nat.length + existing.filter.length, bridges };
}

/** Whether a Node change can change the routes (heartbeat status updates cannot). */
function routingFields(n: Node): string {
  return `${n.spec?.podCIDR ?? ''}|${(n.spec?.podCIDRs ?? []).join(',')}|${nodeInternalIP(n) ?? ''}`;
}

export class PodRoutesController {
  private readonly informer: Informer<Node>;
  private readonly queue = new RateLimitingQueue<string>({ baseDelayMs: 500, maxDelayMs: 30_000 });
  private readonly abort = new AbortController();
  private readonly metric: number;
  private readonly rules: PodNetworkRulesConfig;
  /** cidr → node name of routes installed, so removals can say whose route went */
  private readonly owners = new Map<string, string>();
  private lastSkipped = new Map<string, SkippedNode['reason']>();
  private timer?: NodeJS.Timeout;
  private workers?: Promise<void>;

  constructor(private readonly o: PodRoutesOptions) {
    if (!canonicalCidr(o.clusterCIDR)) throw new Error(`--cluster-cidr: "${o.clusterCIDR}" is not an IPv4 CIDR`);
    this.metric = routeMetric(o.nodeName);
    this.rules = { nodeName: o.nodeName, clusterCIDR: canonicalCidr(o.clusterCIDR)!, masqueradeBit: o.masqueradeBit };
    this.informer = new Informer<Node>(o.client, nodesInfo, { logger: o.log, backoffMaxMs: 5_000 });
    this.informer.on('add', () => this.queue.add(KEY));
    this.informer.on('update', (old, n) => {
      if (routingFields(old) !== routingFields(n)) this.queue.add(KEY);
    });
    this.informer.on('delete', () => this.queue.add(KEY));
  }

  start(): void {
    void this.informer.start(this.abort.signal);
    this.workers = runWorkers(this.queue, 1, () => this.sync(), { logger: this.o.log, signal: this.abort.signal });
    void this.informer.waitForSync(this.abort.signal).then((ok) => ok && this.queue.add(KEY));
    this.timer = setInterval(() => this.queue.add(KEY), this.o.resyncMs ?? DEFAULT_RESYNC_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    this.queue.shutDown();
    await this.workers?.catch(() => undefined);
  }

  /** Makes the kernel match the Node list; throws (and is retried with backoff) when a change failed. */
  async sync(): Promise<void> {
    // An empty cache would look like "every node was deleted" and remove all routes.
    if (!this.informer.hasSynced()) return;
    const log = this.o.log;
    const errors: string[] = [];
    // Routes are still worth having when iptables fails (and the other way round).
    await ensurePodNetworkRules(this.rules, log).catch((e: unknown) => errors.push(`iptables: ${(e as Error).message}`));

    const connected = connectedRoutes(await ipRoutes([]));
    const { routes: desired, skipped } = desiredRoutes(this.informer.store.list(), this.o.nodeName, localIPv4Addresses(), connected);
    this.logSkipped(skipped);
    const current = ownedRoutes(await ipRoutes(['proto', String(ROUTE_PROTO)]), this.metric);
    const { replace, remove } = diffRoutes(current, desired);
    for (const r of replace) {
      const res = await run('ip', ['route', 'replace', r.cidr, 'via', r.via, 'proto', String(ROUTE_PROTO), 'metric', String(this.metric)]);
      if (res.code !== 0) {
        errors.push(`route ${r.cidr} via ${r.via}: ${res.stderr.trim()}`);
        continue;
      }
      const previous = current.find((c) => c.cidr === r.cidr);
      log.info({ node: r.node, cidr: r.cidr, via: r.via, ...(previous ? { previousVia: previous.via } : {}) }, previous ? 'pod route changed' : 'pod route added');
      if (r.node) this.owners.set(r.cidr, r.node);
    }
    for (const r of remove) {
      const res = await run('ip', ['route', 'del', r.cidr, 'via', r.via, 'proto', String(ROUTE_PROTO), 'metric', String(this.metric)]);
      if (res.code !== 0 && !/No such process/.test(res.stderr)) {
        errors.push(`removing route ${r.cidr} via ${r.via}: ${res.stderr.trim()}`);
        continue;
      }
      log.info({ node: this.owners.get(r.cidr), cidr: r.cidr, via: r.via }, 'pod route removed');
      this.owners.delete(r.cidr);
    }
    for (const r of desired) if (r.node) this.owners.set(r.cidr, r.node);
    if (errors.length) throw new Error(errors.join('; '));
  }

  /** Says once per node and reason why a node gets no route (the unexpected reasons at warn). */
  private logSkipped(skipped: SkippedNode[]): void {
    const next = new Map(skipped.map((s) => [s.node, s.reason]));
    for (const [node, reason] of next) {
      if (this.lastSkipped.get(node) === reason || reason === 'self') continue;
      const unexpected = reason === 'not-adjacent' || reason === 'duplicate-cidr' || reason === 'connected-cidr';
      this.o.log[unexpected ? 'warn' : 'debug']({ node, reason }, 'no pod route for node');
    }
    this.lastSkipped = next;
  }
}
