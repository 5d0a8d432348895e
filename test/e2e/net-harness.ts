// Service-networking test plumbing shared by the proxy e2e tests: HTTP probes from
// the host and from containers, free test subnets, `kubelite proxy` with names of its
// own (nft table, iptables chain prefix, service bridge) and its cleanup, ruleset
// snapshots, and route_localnet put back as it was found.
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { freePort, startProcess, waitFor, KUBELITE, type Proc, type RunResult } from './harness.js';

export type ProxyMode = 'nftables' | 'iptables';

/** The modes to run, from KUBELITE_PROXY_E2E_MODES (default both). */
export function proxyModes(): ProxyMode[] {
  return (process.env.KUBELITE_PROXY_E2E_MODES ?? 'nftables,iptables').split(',')
    .filter((m): m is ProxyMode => m === 'nftables' || m === 'iptables');
}

/** A command without stdin (the harness's run() can hit EPIPE on tools that exit early). */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export async function sh(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export interface HttpResult {
  ok: boolean;
  body?: string;
  code?: string;
  ms: number;
}

/** One GET on a fresh connection (so every request is balanced anew). */
export function get(host: string, port: number, timeoutMs = 3000): Promise<HttpResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ ok: res.statusCode === 200, body: body.trim(), ms: Date.now() - started }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code, ms: Date.now() - started }));
  });
}

/** n GETs that must all answer 200; their bodies. */
export async function answers(host: string, port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await get(host, port);
    if (!r.ok) throw new Error(`request ${i + 1} to ${host}:${port} failed: ${r.code ?? 'not 200'} after ${r.ms} ms`);
    out.push(r.body!);
  }
  return out;
}

/** The failed GET when the connection was refused or reset (as REJECT rules do), else undefined. */
export async function refused(host: string, port: number): Promise<HttpResult | undefined> {
  const r = await get(host, port);
  return !r.ok && (r.code === 'ECONNREFUSED' || r.code === 'ECONNRESET') ? r : undefined;
}

/**
 * A busybox shell loop of n GETs with nc (busybox wget segfaults here), one body
 * line per answer; run it in a container with docker or kubectl exec.
 */
export function ncGetScript(host: string, port: number, n: number): string {
  return `for i in $(seq ${n}); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port} | tail -n 1; echo; done`;
}

export function nonEmptyLines(out: string): string[] {
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** GETs from inside a Docker container. */
export async function getFrom(container: string, host: string, port: number, n: number): Promise<string[]> {
  return nonEmptyLines(await sh('docker', ['exec', container, 'sh', '-c', ncGetScript(host, port, n)]));
}

export function distinct(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

/**
 * iptables-save and nft ruleset lines, each prefixed with its table (and for nft its
 * chain, set or map), minus what Docker's own networks and containers change.
 */
export async function rulesSnapshot(): Promise<Set<string>> {
  const out = new Set<string>();
  const noise = /docker|DOCKER|br-[0-9a-f]{12}|veth/;
  let iptTable = '';
  for (const l of (await sh('iptables-save', [])).split('\n')) {
    if (l.startsWith('#') || !l) continue;
    if (l.startsWith('*')) iptTable = l.slice(1);
    const line = `ipt ${iptTable} ${l.replace(/\[\d+:\d+\]/, '')}`;
    if (!noise.test(line)) out.add(line);
  }
  let table = '';
  let block = '';
  for (const raw of (await sh('nft', ['-s', 'list', 'ruleset'])).split('\n')) {
    const l = raw.trim();
    const t = /^table (\S+ \S+) \{$/.exec(l);
    const b = /^(?:chain|set|map|flowtable) (\S+) \{$/.exec(l);
    if (t) [table, block] = [t[1], ''];
    else if (b) block = b[1];
    const line = `nft ${table}/${block}: ${l}`;
    if (l && !noise.test(line)) out.add(line);
  }
  return out;
}

/**
 * A snapshot line of another kubelite instance (another test's proxy, pod network or
 * table) and not one of `ours`: tests on a shared machine add and remove those at
 * any time, so a before/after comparison must leave them out.
 */
export function foreignRule(line: string, ours: string[]): boolean {
  if (ours.some((o) => line.includes(o))) return false;
  return /kubelite|KUBELITE|\bkp_[0-9a-f]{6}\b|\bKP[0-9A-Z]{4}-|\bkp[sin][0-9a-f]{6}\b/.test(line);
}

/** x such that `${prefix}.x.0/24` is in no route, address or Docker network, lo ≤ x < hi, x ∉ avoid. */
export async function freeSubnet(prefix: string, lo: number, hi: number, avoid: number[] = []): Promise<number> {
  const routes = await sh('ip', ['-4', 'route', 'show', 'table', 'all']);
  const addrs = await sh('ip', ['-4', 'addr', 'show']);
  const nets = (await sh('docker', ['network', 'ls', '-q'])).trim();
  const subnets = nets ? await sh('docker', ['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...nets.split('\n')]) : '';
  for (let i = 0; i < 500; i++) {
    const x = lo + Math.floor(Math.random() * (hi - lo));
    const needle = `${prefix}.${x}.`;
    if (avoid.includes(x) || routes.includes(needle) || addrs.includes(needle) || subnets.includes(needle)) continue;
    return x;
  }
  throw new Error(`no free ${prefix}.x.0/24`);
}

/** A service CIDR 10.96.x.0/24 nothing else uses, and a 100-port NodePort range. */
export async function serviceRanges(): Promise<{ serviceCIDR: string; nodePortRange: string }> {
  const serviceCIDR = `10.96.${await freeSubnet('10.96', 100, 250)}.0/24`;
  const npStart = 30000 + 100 * Math.floor(Math.random() * 27);
  return { serviceCIDR, nodePortRange: `${npStart}-${npStart + 99}` };
}

const ROUTE_LOCALNET = '/proc/sys/net/ipv4/conf/all/route_localnet';

/** The proxy turns route_localnet on for NodePorts on 127.0.0.1; this puts back what was there. */
export async function saveRouteLocalnet(): Promise<() => Promise<void>> {
  const before = (await readFile(ROUTE_LOCALNET, 'utf8')).trim();
  return () => writeFile(ROUTE_LOCALNET, before).catch(() => undefined);
}

export interface TestProxyOptions {
  /** short random id: every name the proxy owns derives from it */
  id: string;
  mode: ProxyMode;
  kubeconfig: string;
  nodeName: string;
  clusterCIDR: string;
  serviceCIDR: string;
  /** CIDRs whose local addresses answer NodePorts: loopback and test bridges only */
  nodePortAddresses: string[];
  loadBalancerIPPool: string;
  logFile: string;
}

/** `kubelite proxy` as a process, with a table, chain prefix and bridges no other proxy uses. */
export class TestProxy {
  readonly table: string;
  readonly prefix: string;
  readonly serviceBridge: string;
  readonly ipvsBridge: string;
  proc: Proc | undefined;
  metricsPort = 0;
  private cleanedUp = false;

  constructor(readonly o: TestProxyOptions) {
    this.table = `kp_${o.id}`;
    this.prefix = `KP${o.id.slice(0, 4).toUpperCase().replace(/[^A-Z0-9]/g, 'X')}`;
    this.serviceBridge = `kps${o.id}`;
    this.ipvsBridge = `kpi${o.id}`;
  }

  private names(): string[] {
    return ['--table-name', this.table, '--chain-prefix', this.prefix, '--service-bridge', this.serviceBridge,
      '--ipvs-bridge', this.ipvsBridge, '--service-cidr', this.o.serviceCIDR];
  }

  async start(): Promise<void> {
    await this.launch();
    await this.waitHealthy();
  }

  /** Starts the process without waiting for its first sync. */
  async launch(): Promise<void> {
    if (!this.metricsPort) this.metricsPort = await freePort();
    const o = this.o;
    this.proc = startProcess(['proxy', '--kubeconfig', o.kubeconfig, '--mode', o.mode, '--node-name', o.nodeName,
      '--cluster-cidr', o.clusterCIDR, '--nodeport-addresses', o.nodePortAddresses.join(','),
      '--load-balancer-ip-pool', o.loadBalancerIPPool, '--min-sync-period', '100ms', '--sync-period', '3s',
      '--metrics-bind-address', `127.0.0.1:${this.metricsPort}`, ...this.names()], o.logFile);
  }

  async waitHealthy(): Promise<void> {
    await waitFor('proxy /healthz', async () => {
      if (this.proc?.child.exitCode !== null) throw new Error(`proxy exited ${this.proc?.child.exitCode}: ${await sh('tail', ['-n', '20', this.o.logFile])}`);
      const r = await fetch(`http://127.0.0.1:${this.metricsPort}/healthz`).catch(() => undefined);
      return r?.status === 200 && (await r.text()).includes('syncs');
    }, 30_000);
  }

  /** Our rules only: the nft table, or the iptables-save lines naming our chains. */
  async ruleset(): Promise<string> {
    if (this.o.mode === 'nftables') return sh('nft', ['list', 'table', 'ip', this.table]);
    return (await sh('iptables-save', [])).split('\n').filter((l) => l.includes(`${this.prefix}-`)).join('\n');
  }

  /** Stops the proxy and runs `kubelite proxy --cleanup` for its names; throws when that fails. */
  async cleanup(): Promise<void> {
    await this.proc?.kill();
    const r = await run(process.execPath, [KUBELITE, 'proxy', '--cleanup', ...this.names()]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    this.cleanedUp = true;
  }

  /** Substrings that mark a rule, table, chain or bridge as this proxy's. */
  ownNames(): string[] {
    return [this.table, `${this.prefix}-`, this.serviceBridge, this.ipvsBridge];
  }

  /** What of ours is still installed: the table, chains, the service route, the bridge. */
  async leftovers(): Promise<string[]> {
    const out: string[] = [];
    const all = (await sh('nft', ['list', 'ruleset'])) + (await sh('iptables-save', []));
    if (all.includes(this.table)) out.push(`nft table ${this.table}`);
    if (all.includes(`${this.prefix}-`)) out.push(`iptables chains ${this.prefix}-*`);
    if ((await sh('ip', ['route'])).includes(this.o.serviceCIDR.split('/')[0])) out.push(`route ${this.o.serviceCIDR}`);
    for (const b of [this.serviceBridge, this.ipvsBridge]) if (existsSync(`/sys/class/net/${b}`)) out.push(`bridge ${b}`);
    return out;
  }

  /** For after(): cleanup unless a test already did it, never throwing. */
  async cleanupQuietly(): Promise<void> {
    if (!this.cleanedUp) await this.cleanup().catch(() => undefined);
    await this.proc?.kill();
  }
}

/**
 * Lines of a proxy ruleset that still belong to a service: its `ns/name` (as a
 * whole name, not a prefix of another), its ClusterIP, or its NodePort.
 */
export function serviceRuleLines(ruleset: string, mode: ProxyMode, svc: { namespace: string; name: string; clusterIP: string; nodePort?: number }): string[] {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const patterns = [
    new RegExp(`${esc(`${svc.namespace}/${svc.name}`)}(?![a-z0-9.-])`),
    new RegExp(`(?<![0-9.])${esc(svc.clusterIP)}(?![0-9])`),
  ];
  if (svc.nodePort) patterns.push(new RegExp(mode === 'nftables' ? `\\. ${svc.nodePort}(?![0-9])` : `--dport ${svc.nodePort}(?![0-9])`));
  return ruleset.split('\n').filter((l) => patterns.some((p) => p.test(l)));
}
