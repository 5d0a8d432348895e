// `kubelite proxy`: watches Services, Endpoints and Nodes and turns them into kernel
// rules (nftables by default, iptables, or IPVS). Each sync renders the desired
// rules from the informer caches (pure) and hands them to the mode's applier, which
// diffs against what it applied last.
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Endpoints, Node, Service } from '../api/types/index.js';
import { Informer, loadKubeconfig, RestClient } from '../client/index.js';
import type { Backend } from './backend.js';
import { runCommand } from './exec.js';
import { IptablesBackend } from './iptables/apply.js';
import { validatePrefix } from './iptables/render.js';
import { IpvsBackend } from './ipvs/apply.js';
import { probeIpvs } from './ipvs/probe.js';
import type { IpvsConfig } from './ipvs/render.js';
import { ingressPatch, parsePool, planLoadBalancerIPs, type LoadBalancerPool } from './loadbalancer.js';
import { ProxyMetrics, serveMetrics } from './metrics.js';
import { clusterEndpoints, ipToInt, ModelBuilder } from './model.js';
import { NftablesBackend } from './nftables/apply.js';
import { ensureServiceRoute, removeServiceRoute } from './service-cidr-guard.js';
import { SyncRunner } from './sync-runner.js';

export type ProxyMode = 'nftables' | 'iptables' | 'ipvs';

export interface ProxyOptions {
  kubeconfig: string;
  mode: ProxyMode;
  /** pod range: traffic from outside it is masqueraded when it reaches a ClusterIP */
  clusterCIDR?: string;
  serviceCIDR: string;
  /** this node; endpoints on it are "local" for externalTrafficPolicy Local */
  nodeName: string;
  /** CIDRs whose local addresses answer NodePorts; all local addresses when unset */
  nodePortAddresses?: string[];
  /** `CIDR` or `IP,IP`; LoadBalancer services get the node's address when unset */
  loadBalancerIPPool?: string;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  /** `host:port`; empty to disable */
  metricsBindAddress: string;
  /** remove everything any mode installed, then return */
  cleanup: boolean;
  /** nft table name (nftables mode and IPVS helpers) */
  tableName: string;
  /** iptables chain prefix (KUBE → KUBE-SERVICES, KUBE-SVC-…) */
  chainPrefix: string;
  /** bridge the service CIDR is routed into */
  serviceBridge: string;
  /** bridge IPVS binds VIPs to */
  ipvsBridge: string;
  ipvsScheduler: string;
  /** bit of the packet mark that asks for masquerading */
  masqueradeBit: number;
  logger: Logger;
}

export interface Proxy {
  /** address /metrics and /healthz listen on, when enabled */
  metricsAddress?: { host: string; port: number };
  /** stops watching; the rules stay so traffic keeps flowing until the next proxy */
  close(): Promise<void>;
}

function checkCIDR(flag: string, cidr: string): void {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m[1].split('.').some((o) => Number(o) > 255) || Number(m[2]) > 32) throw new Error(`${flag}: "${cidr}" is not an IPv4 CIDR`);
}

function inCIDR(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return ((ipToInt(ip) & mask) >>> 0) === ((ipToInt(base) & mask) >>> 0);
}

function validate(o: ProxyOptions): void {
  checkCIDR('--service-cidr', o.serviceCIDR);
  if (o.clusterCIDR) checkCIDR('--cluster-cidr', o.clusterCIDR);
  for (const c of o.nodePortAddresses ?? []) checkCIDR('--nodeport-addresses', c);
  validatePrefix(o.chainPrefix);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.tableName)) throw new Error(`--table-name "${o.tableName}" must be 1-64 letters, digits, _ or -`);
  for (const [flag, b] of [['--service-bridge', o.serviceBridge], ['--ipvs-bridge', o.ipvsBridge]]) {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(b)) throw new Error(`${flag} "${b}" is not a valid interface name`);
  }
  if (!Number.isInteger(o.masqueradeBit) || o.masqueradeBit < 0 || o.masqueradeBit > 31) throw new Error('--masquerade-bit must be 0..31');
  if (o.minSyncPeriodMs < 0 || o.syncPeriodMs <= 0) throw new Error('--min-sync-period must be >= 0 and --sync-period > 0');
}

async function localAddresses(exclude: string[]): Promise<string[]> {
  const r = await runCommand('ip', ['-o', '-4', 'addr', 'show'], { allowFailure: true });
  const out: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet (\d+\.\d+\.\d+\.\d+)\//.exec(line);
    if (m && !exclude.includes(m[1])) out.push(m[2]);
  }
  return out;
}

function makeBackend(o: ProxyOptions, mode: ProxyMode, nodeAddresses: string[]): Backend {
  const mark = 1 << o.masqueradeBit >>> 0;
  const common = { clusterCIDR: o.clusterCIDR, serviceCIDR: o.serviceCIDR, serviceBridge: o.serviceBridge, masqueradeMark: mark };
  if (mode === 'iptables') {
    return new IptablesBackend({ ...common, prefix: o.chainPrefix, nodePortAddresses: o.nodePortAddresses }, o.logger.child({ mode }));
  }
  if (mode === 'ipvs') {
    const cfg: IpvsConfig = { ...common, scheduler: o.ipvsScheduler, nodeAddresses, vipBridge: o.ipvsBridge, table: o.tableName };
    return new IpvsBackend(() => cfg, o.logger.child({ mode }));
  }
  return new NftablesBackend({ ...common, table: o.tableName, nodePortAddresses: o.nodePortAddresses }, o.logger.child({ mode }));
}

/** Removes what every mode may have installed: tables, chains, jumps, bridges, the route. */
export async function cleanupAll(o: ProxyOptions): Promise<void> {
  const log = o.logger;
  const failures: string[] = [];
  for (const mode of ['nftables', 'iptables', 'ipvs'] as const) {
    try {
      await makeBackend(o, mode, []).cleanup();
    } catch (e) {
      failures.push(`${mode}: ${(e as Error).message}`);
    }
  }
  // IPVS mode's helper table has the same name as nftables mode's; cleaned above.
  await removeServiceRoute({ serviceCIDR: o.serviceCIDR, bridge: o.serviceBridge });
  if (failures.length) throw new Error(`cleanup incomplete: ${failures.join('; ')}`);
  log.info({ table: o.tableName, prefix: o.chainPrefix, bridge: o.serviceBridge }, 'removed all proxy rules');
}

export async function run(o: ProxyOptions): Promise<Proxy> {
  validate(o);
  const log = o.logger;
  if (o.cleanup) {
    await cleanupAll(o);
    return { close: async () => undefined };
  }
  if (o.mode === 'ipvs') {
    const probe = await probeIpvs();
    if (!probe.ok) throw new Error(probe.reason);
  }
  const pool: LoadBalancerPool | undefined = o.loadBalancerIPPool ? parsePool(o.loadBalancerIPPool) : undefined;
  // NodePorts on 127.0.0.1 need the kernel to route loopback-sourced packets after DNAT.
  await writeFile('/proc/sys/net/ipv4/conf/all/route_localnet', '1');
  const guard = { serviceCIDR: o.serviceCIDR, bridge: o.serviceBridge };
  await ensureServiceRoute(guard, log);

  let nodeAddresses: string[] = [];
  if (o.mode === 'ipvs') {
    nodeAddresses = (await localAddresses([o.ipvsBridge, o.serviceBridge]))
      .filter((ip) => !o.nodePortAddresses || o.nodePortAddresses.some((c) => inCIDR(ip, c)));
  }
  const backend = makeBackend(o, o.mode, nodeAddresses);
  const metrics = new ProxyMetrics();

  const client = new RestClient(loadKubeconfig({ path: o.kubeconfig }), { qps: 50, burst: 100, logger: log, userAgent: `kube-proxy/v1.32.0-kubelite (${o.nodeName})` });
  const svcInfo = client.resource('v1', 'Service');
  const services = new Informer<Service>(client, svcInfo, { logger: log });
  const endpoints = new Informer<Endpoints>(client, client.resource('v1', 'Endpoints'), { logger: log });
  const nodes = new Informer<Node>(client, client.resource('v1', 'Node'), { logger: log, fieldSelector: `metadata.name=${o.nodeName}` });

  const nodeIP = (): string | undefined => {
    const node = nodes.store.getByName(undefined, o.nodeName);
    const addrs = node?.status?.addresses ?? [];
    return (addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'ExternalIP'))?.address;
  };

  const assignLoadBalancers = async (): Promise<void> => {
    const changes = planLoadBalancerIPs(services.store.list(), pool, nodeIP());
    await Promise.all([...changes].map(async ([key, ips]) => {
      const [ns, name] = key.split('/');
      try {
        await client.patch(svcInfo, ns, name, ingressPatch(ips), 'merge', { subresource: 'status', fieldManager: 'kubelite-proxy' });
        log.info({ service: key, ingress: ips }, ips.length ? 'assigned load balancer IP' : 'cleared load balancer IP');
      } catch (e) {
        log.warn({ service: key, err: (e as Error).message }, 'cannot update load balancer status');
      }
    }));
  };

  let syncs = 0;
  const models = new ModelBuilder({ nodeName: o.nodeName });
  const sync = async (full: boolean): Promise<void> => {
    const started = process.hrtime.bigint();
    const model = models.build(services.store.list(), (ns, name) => endpoints.store.getByName(ns, name));
    for (const c of model.conflicts) log.warn({ conflict: c }, 'address claimed by two services');
    let stats;
    try {
      stats = await backend.sync(model, full || syncs === 0);
    } catch (e) {
      metrics.syncErrors.inc();
      throw e;
    }
    syncs++;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.syncDuration.observe({ mode: o.mode, kind: stats.kind }, seconds);
    metrics.lastSync.set(Date.now() / 1000);
    metrics.rules.set(stats.rules);
    metrics.chains.set(stats.chains);
    metrics.servicePorts.set(model.ports.length);
    metrics.endpoints.set(model.ports.reduce((n, p) => n + clusterEndpoints(p).length, 0));
    if (stats.kind !== 'noop') {
      log.info({ kind: stats.kind, ms: Math.round(seconds * 1000), servicePorts: model.ports.length, rules: stats.rules, bytes: stats.bytes }, 'synced rules');
    }
    if (full) {
      // Drift repair also covers the route and the bridge someone may have removed.
      await ensureServiceRoute(guard, log).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'cannot restore the service route'));
    }
    await assignLoadBalancers();
  };

  const runner = new SyncRunner(sync, { minIntervalMs: o.minSyncPeriodMs, periodMs: o.syncPeriodMs, log });
  const changed = (): void => runner.request();
  for (const inf of [services, endpoints, nodes] as Informer<Service | Endpoints | Node>[]) {
    inf.on('add', changed).on('update', (a, b) => {
      if (a.metadata.resourceVersion !== b.metadata.resourceVersion) changed();
    }).on('delete', changed);
  }
  const stopper = new AbortController();
  for (const inf of [services, endpoints, nodes] as Informer<Service | Endpoints | Node>[]) void inf.start(stopper.signal);

  let server: http.Server | undefined;
  let metricsAddress: Proxy['metricsAddress'];
  if (o.metricsBindAddress) {
    const healthLimitMs = 2 * o.syncPeriodMs + 10_000;
    server = await serveMetrics(o.metricsBindAddress, metrics, () => {
      const since = runner.pendingSince;
      if (syncs === 0) return { ok: since === undefined || Date.now() - since < healthLimitMs, detail: 'waiting for the first sync' };
      if (since !== undefined && Date.now() - since > healthLimitMs) return { ok: false, detail: `changes unsynced for ${Math.round((Date.now() - since) / 1000)}s` };
      return { ok: true, detail: `${syncs} syncs` };
    });
    const a = server.address();
    if (a && typeof a === 'object') metricsAddress = { host: a.address, port: a.port };
  }

  // Sync only once the caches hold the whole picture: an early sync would wipe the
  // rules a previous proxy left for services not listed yet.
  void Promise.all([services.waitForSync(stopper.signal), endpoints.waitForSync(stopper.signal), nodes.waitForSync(stopper.signal)]).then((ok) => {
    if (!ok.every(Boolean)) return;
    log.info({ mode: o.mode, node: o.nodeName }, 'caches synced; programming rules');
    runner.start();
    runner.request(true);
  });

  return {
    metricsAddress,
    async close() {
      stopper.abort();
      await runner.stop();
      client.close();
      if (server) await new Promise<void>((r) => server!.close(() => r()));
    },
  };
}
