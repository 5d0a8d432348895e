// Proxy rule programming at scale, per mode, and the cost of a ClusterIP hop:
//   node dist/bench/proxy.js [--sizes 1000,10000] [--iptables-10k] [--requests 3000] [--skip-traffic]
// For each mode: render + apply a full sync of N services × 10 endpoints, then one
// changed service (median of several); in parentheses the time spent in the kernel
// tool (nft, iptables-restore), the rest is JS (model, plan, render). IPVS is render-only (no ip_vs here). Then
// requests/s to a busybox httpd container straight and through a ClusterIP.
// Everything it installs has its own names (table kubelite_bench, chains KBENCH-*,
// bridge kbench-svc0, a Docker network labelled kubelite.bench=proxy) and is removed
// at the end, also on errors and Ctrl-C. The synthetic VIPs are never sent traffic.
import http from 'node:http';
import { spawn } from 'node:child_process';
import pino from 'pino';
import type { Endpoints, Service } from '../api/types/index.js';
import { buildModel, ModelBuilder, type ProxyModel } from '../proxy/model.js';
import type { Backend } from '../proxy/backend.js';
import { NftablesBackend, nftRunner } from '../proxy/nftables/apply.js';
import { buildNftPlan, changedUnits, renderNftChanges, renderNftFull, type NftConfig } from '../proxy/nftables/render.js';
import { IptablesBackend, runRestore } from '../proxy/iptables/apply.js';
import type { IptablesConfig } from '../proxy/iptables/render.js';
import { buildIpvsPlan, renderIpvsDelta, renderIpvsRestore } from '../proxy/ipvs/render.js';
import { ensureServiceRoute, removeServiceRoute } from '../proxy/service-cidr-guard.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : def;
};
const SIZES = opt('sizes', '1000,10000').split(',').map(Number);
const ENDPOINTS = Number(opt('endpoints', '10'));
const REQUESTS = Number(opt('requests', '3000'));
const CHANGE_REPS = 7;

const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
// A /16 of its own inside the usual service range; benchmark VIPs only ever get rules, never traffic.
const SERVICE_CIDR = '10.104.0.0/16';
const guard = { serviceCIDR: SERVICE_CIDR, bridge: 'kbench-svc0' };
const common = { clusterCIDR: '10.244.0.0/16', serviceCIDR: SERVICE_CIDR, serviceBridge: guard.bridge, masqueradeMark: 0x4000 };
const nftCfg: NftConfig = { ...common, table: 'kubelite_bench' };
const iptCfg: IptablesConfig = { ...common, prefix: 'KBENCH' };
const NETWORK = 'kubelite-bench-proxy';
const LABEL = 'kubelite.bench=proxy';

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** N services with ENDPOINTS endpoints each, spread over 100 other nodes (so nothing is local). */
function objects(n: number, version = 0): { services: Service[]; endpoints: Map<string, Endpoints> } {
  const services: Service[] = [];
  const endpoints = new Map<string, Endpoints>();
  const vipBase = (10 << 24) + (104 << 16) + 1;
  const epBase = (10 << 24) + (245 << 16) + 1;
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    services.push({
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'bench' },
      spec: { type: 'ClusterIP', clusterIP: intToIp(vipBase + i), ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    endpoints.set(name, {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'bench' },
      subsets: [{
        addresses: Array.from({ length: ENDPOINTS }, (_, j) => ({ ip: intToIp(epBase + i * ENDPOINTS + j + version), nodeName: `node-${(i + j) % 100}` })),
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      }],
    });
  }
  return { services, endpoints };
}

function model(o: { services: Service[]; endpoints: Map<string, Endpoints> }, builder = new ModelBuilder({ nodeName: 'bench-node' })): ProxyModel {
  return builder.build(o.services, (_ns, name) => o.endpoints.get(name));
}

function ms(t0: number): number {
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`;
}

const rows: Array<[string, string, string, string]> = [];
function report(mode: string, n: number, what: string, value: string): void {
  rows.push([mode, String(n), what, value]);
  process.stdout.write(`${mode.padEnd(9)} ${String(n).padStart(6)} services  ${what.padEnd(42)} ${value}\n`);
}

/** Full sync, then one service changed CHANGE_REPS times: render + apply, wall clock. */
async function programming(mode: string, backend: Backend, n: number): Promise<void> {
  const base = objects(n);
  // like the proxy: one builder across syncs, informer-style objects (replaced on change)
  const builder = new ModelBuilder({ nodeName: 'bench-node' });
  toolMs = 0;
  const t0 = performance.now();
  const m = model(base, builder);
  const stats = await backend.sync(m, true);
  report(mode, n, `full sync (${stats.rules} rules, ${stats.chains} chains)`, `${fmt(ms(t0))} (${mode === 'nftables' ? 'nft' : 'iptables-restore'} ${fmt(toolMs)})`);
  const times: number[] = [];
  const tools: number[] = [];
  for (let r = 1; r <= CHANGE_REPS; r++) {
    // one endpoint of one service moves to another address
    const changed = { services: base.services, endpoints: new Map(base.endpoints) };
    const victim = `svc-${(r * 7919) % n}`;
    const ep = structuredClone(base.endpoints.get(victim)!);
    ep.subsets![0].addresses![0].ip = intToIp((10 << 24) + (246 << 16) + r);
    changed.endpoints.set(victim, ep);
    toolMs = 0;
    const t1 = performance.now();
    const s = await backend.sync(model(changed, builder), false);
    times.push(ms(t1));
    tools.push(toolMs);
    if (s.kind !== 'incremental') throw new Error(`expected an incremental sync, got ${s.kind}`);
    base.endpoints = changed.endpoints;
  }
  report(mode, n, `one service changed (median of ${CHANGE_REPS})`, `${fmt(median(times))} (tool ${fmt(median(tools))}, min total ${fmt(Math.min(...times))})`);
}

function renderOnly(n: number): void {
  const base = objects(n);
  const builder = new ModelBuilder({ nodeName: 'bench-node' });
  let t0 = performance.now();
  const m = model(base, builder);
  const plan = buildNftPlan(m, nftCfg);
  renderNftFull(plan, nftCfg);
  report('nft-text', n, 'render only, full (JS)', fmt(ms(t0)));
  t0 = performance.now();
  const ipvs = buildIpvsPlan(m, { ...common, scheduler: 'rr', nodeAddresses: ['127.0.0.1'], vipBridge: 'kube-ipvs0', table: 'kubelite_bench' });
  const text = renderIpvsRestore(ipvs);
  report('ipvs', n, `render ipvsadm-restore (${text.split('\n').length - 1} lines)`, fmt(ms(t0)));
  const ep = structuredClone(base.endpoints.get('svc-1')!);
  ep.subsets![0].addresses![0].ip = '10.246.0.1';
  base.endpoints.set('svc-1', ep);
  t0 = performance.now();
  const next = buildIpvsPlan(model(base, builder), { ...common, scheduler: 'rr', nodeAddresses: ['127.0.0.1'], vipBridge: 'kube-ipvs0', table: 'kubelite_bench' });
  const delta = renderIpvsDelta(ipvs, next);
  report('ipvs', n, `render one-service delta (${delta.trim().split('\n').length} lines)`, fmt(ms(t0)));
  t0 = performance.now();
  // as the backend does it: only the changed ports are planned
  const changes = changedUnits(plan, model(base, builder), nftCfg) ?? [];
  renderNftChanges(plan, changes, nftCfg);
  report('nft-text', n, 'render only, one service changed (JS)', fmt(ms(t0)));
}

// ---------------------------------------------------------------- traffic

function sh(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err.trim()}`))));
  });
}

function getOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 3000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Requests/s with a new connection per request (each one goes through NAT setup), bounded by count and 20 s. */
async function load(host: string, port: number, total: number, concurrency = 8): Promise<number> {
  let next = 0;
  let ok = 0;
  const deadline = performance.now() + 20_000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total && performance.now() < deadline) {
      next++;
      if (await getOnce(host, port)) ok++;
    }
  }));
  return ok / ((performance.now() - t0) / 1000);
}

async function traffic(mode: 'nftables' | 'iptables', backend: Backend, backendIP: string): Promise<void> {
  const svc: Service = {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'bench' },
    spec: { type: 'ClusterIP', clusterIP: '10.104.255.1', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
  const eps: Endpoints = {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'echo', namespace: 'bench' },
    subsets: [{ addresses: [{ ip: backendIP, nodeName: 'bench-node' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  };
  await backend.sync(buildModel([svc], () => eps, { nodeName: 'bench-node' }), true);
  if (!(await getOnce('10.104.255.1', 80))) throw new Error('the ClusterIP does not answer');
  await load(backendIP, 8080, 200); // warm up
  const direct: number[] = [];
  const viaVip: number[] = [];
  for (let r = 0; r < 3; r++) {
    direct.push(await load(backendIP, 8080, REQUESTS / 3));
    viaVip.push(await load('10.104.255.1', 80, REQUESTS / 3));
  }
  const d = median(direct);
  const v = median(viaVip);
  report(mode, 1, 'req/s straight to the backend', d.toFixed(0));
  report(mode, 1, 'req/s through the ClusterIP', `${v.toFixed(0)} (${((v / d) * 100).toFixed(0)}% of direct)`);
}

async function startBackend(): Promise<string> {
  await sh('docker', ['network', 'create', '--label', LABEL, NETWORK]).catch(async (e: Error) => {
    if (!/already exists/.test(e.message)) throw e;
  });
  await sh('docker', ['run', '-d', '--name', 'kubelite-bench-proxy-echo', '--label', LABEL, '--network', NETWORK, 'kubelite.local/busybox:latest',
    'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']);
  const ip = (await sh('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'kubelite-bench-proxy-echo'])).trim();
  for (let i = 0; i < 50 && !(await getOnce(ip, 8080)); i++) await new Promise((r) => setTimeout(r, 100));
  return ip;
}

// ---------------------------------------------------------------- cleanup

// The appliers' kernel-tool runs are timed separately, to split JS from nft/iptables time.
let toolMs = 0;
const timed = (fn: (input: string) => Promise<void>) => async (input: string): Promise<void> => {
  const t0 = performance.now();
  try {
    await fn(input);
  } finally {
    toolMs += performance.now() - t0;
  }
};
const nft = new NftablesBackend(nftCfg, log, timed(nftRunner()));
const ipt = new IptablesBackend(iptCfg, log, timed(runRestore));
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await nft.cleanup().catch((e: Error) => process.stderr.write(`nft cleanup: ${e.message}\n`));
  await ipt.cleanup().catch((e: Error) => process.stderr.write(`iptables cleanup: ${e.message}\n`));
  await removeServiceRoute(guard);
  const ids = (await sh('docker', ['ps', '-aq', '--filter', `label=${LABEL}`]).catch(() => '')).trim();
  if (ids) await sh('docker', ['rm', '-f', ...ids.split('\n')]).catch(() => undefined);
  await sh('docker', ['network', 'rm', NETWORK]).catch(() => undefined);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  process.stdout.write(`proxy bench: ${ENDPOINTS} endpoints per service, sizes ${SIZES.join(', ')}\n`);
  await ensureServiceRoute(guard);
  for (const n of SIZES) renderOnly(n);
  for (const n of SIZES) {
    await programming('nftables', nft, n);
    await nft.cleanup(); // a big table slows every other netlink user on the machine
  }
  for (const n of SIZES) {
    if (n > 1000 && !flag('iptables-10k')) {
      report('iptables', n, 'full sync', 'skipped (≈45 min here; pass --iptables-10k)');
      continue;
    }
    await programming('iptables', ipt, n);
    await ipt.cleanup();
  }
  if (!flag('skip-traffic')) {
    const ip = await startBackend();
    await traffic('nftables', nft, ip);
    await nft.cleanup();
    await traffic('iptables', ipt, ip);
    await ipt.cleanup();
  }
}

try {
  await main();
} finally {
  await cleanup();
}
