// Scheduler throughput on hollow nodes (kubemark-style): a real apiserver and
// `kubelite scheduler` (and `kubelite controller-manager` once it exists), N
// registered Nodes whose fake kubelets mark bound pods Running, and M pods.
// Reports pods bound per second, time until all pods are Running, RSS and CPU
// of each process, and whether any pod was bound twice.
//   node dist/bench/scheduler.js [--nodes 1000] [--pods 10000] [--per-deployment 100]
//     [--lease-renew-ms 10000] [--binds-in-flight 64] [--timeout-s 300] [--profile apiserver,scheduler,controller-manager] [--keep]
//     [--init-pods 1000]  pods placed before the measured ones and not counted, as scheduler_perf's
//                  initPods (SchedulingBasic/5000Nodes: 1,000); 0 measures freshly started processes
//     [--direct]   create pods directly, without the controller-manager
//     [--backlog]  create all pods directly first, then start the scheduler and time the drain
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findResource } from '../api/resources.js';
import type { Deployment, Pod } from '../api/types/index.js';
import { loadKubeconfig, RestClient } from '../client/index.js';
import {
  freePort, KUBELITE, REPO, removeDir, startApiserver, startProcess, tempDir, waitFor, type Proc,
} from '../test/e2e/harness.js';
import { HollowNodeFleet, hollowNode } from './lib/hollow-node.js';
import { SchedulerCache } from '../scheduler/cache.js';
import { schedulePod } from '../scheduler/framework.js';
import { newPodInfo } from '../scheduler/pod-info.js';
import { defaultProfile } from '../scheduler/plugins/index.js';
import { DAEMON_NODE_FLAGS } from '../cli/up/daemon-node-flags.js';
import { requireProjectRuntime } from './lib/runtime.js';

// ---- flags ----

const flags = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith('--')) continue;
  const next = process.argv[i + 1];
  if (next === undefined || next.startsWith('--')) flags.set(a.slice(2), 'true');
  else flags.set(a.slice(2), process.argv[++i]);
}
const num = (k: string, d: number): number => (flags.has(k) ? Number(flags.get(k)) : d);
const NODES = num('nodes', 1000);
const PODS = num('pods', 10_000);
const PER_DEPLOYMENT = num('per-deployment', 100);
const LEASE_RENEW_MS = num('lease-renew-ms', 10_000);
const BINDS_IN_FLIGHT = num('binds-in-flight', 64);
const CREATE_CONCURRENCY = num('create-concurrency', 50);
const TIMEOUT_S = num('timeout-s', 300);
/** comma-separated: apiserver, scheduler, controller-manager */
const PROFILE = new Set((flags.get('profile') ?? (flags.get('profile-apiserver') === 'true' ? 'apiserver' : '')).split(',').filter(Boolean));
const KEEP = flags.get('keep') === 'true';
/** create pods directly even when the controller-manager exists: measures the scheduler alone */
const DIRECT = flags.get('direct') === 'true';
/** create every pod before the scheduler starts, then time how fast it drains the backlog */
const BACKLOG = flags.get('backlog') === 'true';
/**
 * Pods created (through Deployments) and Running before the measurement starts, as
 * scheduler_perf's initPods: the measured pods then meet warmed-up processes and nodes
 * that already hold pods, as in a cluster that has been running.
 */
const INIT_PODS = num('init-pods', 1000);

const podsInfo = findResource('', 'v1', 'pods')!;
const nsInfo = findResource('', 'v1', 'namespaces')!;
const deploymentsInfo = findResource('apps', 'v1', 'deployments')!;
const NAMESPACE = 'bench';
const INIT_NAMESPACE = 'bench-init';

// ---- process figures from /proc ----

interface ProcFigures {
  peakRssMb: number;
  hwmMb: number;
  cpuSeconds: number;
}

function procStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** user+system CPU seconds of a live process. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

/**
 * Core-seconds this VM's CPUs were busy, and how many of them the hypervisor gave to
 * someone else (steal): on a shared host that is time none of our processes could run.
 */
function machineBusySeconds(): { busy: number; steal: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / 100, steal: (cpu[7] ?? 0) / 100 };
  } catch {
    return { busy: NaN, steal: NaN };
  }
}

class ProcSampler {
  private readonly figures = new Map<string, ProcFigures & { pid: number; cpuStart: number }>();
  private timer?: NodeJS.Timeout;

  add(name: string, pid: number | undefined): void {
    if (!pid) return;
    this.figures.set(name, { pid, peakRssMb: 0, hwmMb: 0, cpuSeconds: 0, cpuStart: cpuSeconds(pid) });
  }

  /** Starts counting CPU from now (after setup). */
  markStart(): void {
    for (const f of this.figures.values()) f.cpuStart = cpuSeconds(f.pid);
    this.timer = setInterval(() => this.sample(), 500);
  }

  sample(): void {
    for (const f of this.figures.values()) {
      const s = procStatus(f.pid);
      if (!s) continue;
      f.peakRssMb = Math.max(f.peakRssMb, s.rssKb / 1024);
      f.hwmMb = s.hwmKb / 1024;
      const cpu = cpuSeconds(f.pid);
      if (!Number.isNaN(cpu)) f.cpuSeconds = cpu - f.cpuStart;
    }
  }

  stop(): Map<string, ProcFigures> {
    clearInterval(this.timer);
    this.sample();
    return this.figures;
  }
}

// ---- workload ----

function controllerManagerAvailable(): boolean {
  if (!existsSync(join(REPO, 'dist', 'controller-manager', 'main.js'))) return false;
  const r = spawnSync(process.execPath, [KUBELITE, 'controller-manager', '--help'], { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

const CONTAINER = {
  name: 'pause',
  image: 'registry.k8s.io/pause:3.10',
  resources: { requests: { cpu: '10m', memory: '16Mi' } },
};

function deployment(i: number, replicas: number, namespace = NAMESPACE): Deployment {
  const labels = { app: `bench-${i}` };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: `bench-${i}`, namespace, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [CONTAINER] } } },
  } as Deployment;
}

function pod(batch: number, i: number): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `bench-${batch}-${i}`, namespace: NAMESPACE, labels: { app: `bench-${batch}` } },
    spec: { containers: [CONTAINER] },
  };
}

async function inParallel(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await job(next++);
  }));
}

/**
 * The scheduling cycles alone, in this process, over the same nodes and pods:
 * no HTTP, no watch. What the scheduler could do if the API were free.
 */
function cycleThroughput(): { podsPerS: number; usPerPod: number } {
  const cache = new SchedulerCache();
  for (let i = 0; i < NODES; i++) cache.setNode(hollowNode(`hollow-node-${i}`, i, { count: NODES }));
  const profile = defaultProfile();
  let start = 0;
  const t0 = performance.now();
  for (let k = 0; k < PODS; k++) {
    const p = pod(Math.floor(k / PER_DEPLOYMENT), k % PER_DEPLOYMENT);
    p.metadata.uid = `uid-${k}`;
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: `rs-${Math.floor(k / PER_DEPLOYMENT)}`, controller: true }];
    const info = newPodInfo(p);
    const nodes = cache.nodeList();
    const r = schedulePod(info, nodes, profile, { start });
    start = (start + r.processed) % nodes.length;
    if (r.node) cache.assume(info, r.node.name);
  }
  const ms = performance.now() - t0;
  return { podsPerS: PODS / (ms / 1000), usPerPod: (ms * 1000) / PODS };
}

// ---- CPU profile of the apiserver ----

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function summarizeProfile(name: string, file: string): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = prof.timeDeltas[i] ?? 0;
    if (!n) return;
    total += dt;
    const url = n.callFrame.url.replace(`file://${REPO}/`, '');
    const fn = `${n.callFrame.functionName || '(anonymous)'}  ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    selfUs.set(fn, (selfUs.get(fn) ?? 0) + dt);
    const area = !url
      ? n.callFrame.functionName || '(native)'
      : url.startsWith('node:')
        ? url.split('/').slice(0, 2).join('/')
        : url.includes('node_modules/')
          ? `node_modules/${url.split('node_modules/')[1].split('/')[0]}`
          : url.split('/').slice(0, 3).join('/');
    byArea.set(area, (byArea.get(area) ?? 0) + dt);
  });
  // Inclusive time of kubelite's own functions: which part of the request path costs what.
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfById = new Map<number, number>();
  prof.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfById) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n || !n.callFrame.url.includes('/dist/')) continue;
      const key = `${n.callFrame.functionName || '(anonymous)'}  ${n.callFrame.url.replace(`file://${REPO}/`, '')}:${n.callFrame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const pct = (us: number): string => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`  ${name} CPU profile (${(total / 1e6).toFixed(1)} s sampled), self time by area:`];
  for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, 12)) lines.push(`    ${pct(us)}  ${a}`);
  lines.push('  hottest functions (self time):');
  for (const [f, us] of [...selfUs].sort((x, y) => y[1] - x[1]).slice(0, 20)) lines.push(`    ${pct(us)}  ${f}`);
  lines.push(`  ${name} functions by inclusive time (kubelite code only):`);
  for (const [f, us] of [...inclusive].sort((x, y) => y[1] - x[1]).slice(0, 25)) lines.push(`    ${pct(us)}  ${f}`);
  return lines;
}

/** startProcess with node flags in front (`--cpu-prof` may not be passed through NODE_OPTIONS). */
function spawnKubelite(nodeFlags: string[], args: string[], logFile: string): Proc {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...nodeFlags, KUBELITE, ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return {
    child, logFile, exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      // Writing a large CPU profile on exit takes a while.
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

function profileFlags(dir: string): string[] {
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}

/** The harness's apiserver, under the CPU profiler: the profile is written when it exits after SIGTERM. */
async function startProfiledApiserver(profileDir: string): Promise<{ proc: Proc; dataDir: string; kubeconfig: string; url: string; stop(): Promise<void> }> {
  const dataDir = await tempDir('apiserver');
  const port = await freePort();
  const proc = spawnKubelite(profileFlags(profileDir), ['apiserver', '--data-dir', dataDir,
    '--bind-address', '127.0.0.1', '--secure-port', String(port), '--advertise-address', '127.0.0.1'], join(dataDir, 'apiserver.log'));
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  await waitFor('profiled apiserver ready', async () => {
    if (proc.child.exitCode !== null) throw new Error(`apiserver exited: ${readFileSync(proc.logFile, 'utf8')}`);
    if (!existsSync(kubeconfig)) return false;
    const c = new RestClient(loadKubeconfig({ path: kubeconfig }));
    try {
      await c.request({ method: 'GET', path: '/readyz' });
      return true;
    } finally {
      c.close();
    }
  }, 30_000, 200);
  return { proc, dataDir, kubeconfig, url: `https://127.0.0.1:${port}`, stop: () => proc.kill() };
}

// ---- main ----

async function schedulerFinalStats(proc: Proc): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(proc.logFile, 'utf8').catch(() => '');
  let last: Record<string, unknown> | undefined;
  for (const line of text.split('\n')) {
    if (!line.includes('scheduler final stats') && !line.includes('scheduler stats')) continue;
    try {
      last = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // a torn line at the end of the file
    }
  }
  return last;
}

/** Waits until a component's log has `line` (its caches synced); fails with the log if it exits first. */
async function waitForLogLine(proc: Proc, name: string, line: string): Promise<void> {
  await waitFor(`${name}: "${line}"`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`${name} exited: ${await readFile(proc.logFile, 'utf8')}`);
    return (await readFile(proc.logFile, 'utf8')).includes(line);
  }, 60_000, 100);
}

/**
 * Waits until the apiserver has seen no new request (Lease heartbeats aside) for 2 s, at
 * most 60 s; returns the request counts then and how long it took.
 */
async function waitForQuietApiserver(client: RestClient, from: Map<string, number>): Promise<{ requests: Map<string, number>; seconds: number }> {
  const started = performance.now();
  let requests = from;
  for (let quiet = 0; quiet < 2 && performance.now() - started < 60_000;) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = requestCounts(await readMetrics(client));
    const grew = [...next].some(([k, n]) => !k.endsWith(' leases') && n > (requests.get(k) ?? 0));
    quiet = grew ? 0 : quiet + 1;
    requests = next;
  }
  return { requests, seconds: (performance.now() - started) / 1000 };
}

/** The apiserver's /metrics text; empty when it cannot be read. */
async function readMetrics(client: RestClient): Promise<string> {
  return String(await client.request<string>({ method: 'GET', path: '/metrics', accept: 'text/plain' }).catch(() => ''));
}

/** The apiserver's group commits and watch fan-out so far, from its /metrics text. */
function storageAndWatchTotals(text: string): { batches: number; batchWrites: number; batchSeconds: number; watchEvents: number } {
  const sum = (name: string): number => {
    let total = 0;
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(m[1]);
    return total;
  };
  return {
    batches: sum('apiserver_storage_batch_writes_count'),
    batchWrites: sum('apiserver_storage_batch_writes_sum'),
    batchSeconds: sum('apiserver_storage_batch_duration_seconds_sum'),
    watchEvents: sum('apiserver_watch_events_total'),
  };
}

/** apiserver_request_total by "verb resource" (all codes), from the apiserver's /metrics text. */
function requestCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^apiserver_request_total\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const labels = new Map([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${labels.get('verb') ?? '?'} ${labels.get('resource') ?? '?'}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

async function main(): Promise<void> {
  requireProjectRuntime();
  const cycles = cycleThroughput();
  const cmAvailable = !DIRECT && !BACKLOG && controllerManagerAvailable();
  const useCM = cmAvailable;
  const profileDir = PROFILE.size ? await mkdtemp(join(tmpdir(), 'kubelite-bench-prof-')) : undefined;
  const apiProfileDir = profileDir && PROFILE.has('apiserver') ? join(profileDir, 'apiserver') : undefined;
  const schedProfileDir = profileDir && PROFILE.has('scheduler') ? join(profileDir, 'scheduler') : undefined;
  const cmProfileDir = profileDir && PROFILE.has('controller-manager') ? join(profileDir, 'controller-manager') : undefined;
  const api = apiProfileDir ? await startProfiledApiserver(apiProfileDir) : await startApiserver();
  const procs: Proc[] = [];
  const client = new RestClient(loadKubeconfig({ path: api.kubeconfig }), { maxSockets: 64 });
  const sampler = new ProcSampler();
  sampler.add('apiserver', api.proc.child.pid);

  // measured pods, and the warm-up pods (--init-pods) apart from them
  const bound = new Map<string, number>();
  const running = new Map<string, number>();
  const initBound = new Map<string, number>();
  const initRunning = new Map<string, number>();
  let rebinds = 0;
  const fleet = new HollowNodeFleet(client, { count: NODES, leaseRenewMs: LEASE_RENEW_MS }, {
    bound: (p, previous) => {
      if (previous) rebinds++;
      else (p.metadata.namespace === INIT_NAMESPACE ? initBound : bound).set(p.metadata.uid ?? '', performance.now());
    },
    running: (p) => (p.metadata.namespace === INIT_NAMESPACE ? initRunning : running).set(p.metadata.uid ?? '', performance.now()),
  });
  const stopFleet = new AbortController();

  try {
    const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);
    log(`apiserver on ${api.url}; registering ${NODES} hollow nodes`);
    const tReg = performance.now();
    await fleet.register();
    const registerS = (performance.now() - tReg) / 1000;
    await client.create(nsInfo, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await fleet.start(stopFleet.signal);
    const deployments = Math.ceil(PODS / PER_DEPLOYMENT);
    const createDirect = (): Promise<void> =>
      inParallel(PODS, CREATE_CONCURRENCY, async (k) => {
        await client.create(podsInfo, NAMESPACE, pod(Math.floor(k / PER_DEPLOYMENT), k % PER_DEPLOYMENT));
      });
    let createdS = 0;
    if (BACKLOG) {
      log(`creating ${PODS} pods before the scheduler starts`);
      const tc = performance.now();
      await createDirect();
      createdS = (performance.now() - tc) / 1000;
    }

    const schedArgs = ['scheduler', '--kubeconfig', api.kubeconfig, '--max-binds-in-flight', String(BINDS_IN_FLIGHT)];
    const schedLog = join(api.dataDir, 'scheduler.log');
    const scheduler = schedProfileDir ? spawnKubelite(profileFlags(schedProfileDir), schedArgs, schedLog) : startProcess(schedArgs, schedLog);
    procs.push(scheduler);
    sampler.add('scheduler', scheduler.child.pid);
    let cm: Proc | undefined;
    if (useCM) {
      const cmArgs = ['controller-manager', '--kubeconfig', api.kubeconfig];
      const cmLog = join(api.dataDir, 'controller-manager.log');
      cm = cmProfileDir ? spawnKubelite(profileFlags(cmProfileDir), cmArgs, cmLog) : startProcess(cmArgs, cmLog);
      procs.push(cm);
      sampler.add('controller-manager', cm.child.pid);
    }
    await waitForLogLine(scheduler, 'scheduler', 'scheduling started');
    // The controller-manager's start-up (loading modules, listing every resource) is not
    // the work being measured: the clock starts once its controllers run, as for the scheduler.
    if (cm) await waitForLogLine(cm, 'controller-manager', 'caches synced; starting controllers');

    let warmUp: { deployments: number; bindWindowS: number; allRunningS: number; quietS: number } | undefined;
    if (useCM && INIT_PODS > 0) {
      const initDeployments = Math.ceil(INIT_PODS / PER_DEPLOYMENT);
      log(`warm-up: ${INIT_PODS} pods from ${initDeployments} Deployments in ${INIT_NAMESPACE}, not counted`);
      await client.create(nsInfo, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: INIT_NAMESPACE } });
      const tw = performance.now();
      await inParallel(initDeployments, Math.min(CREATE_CONCURRENCY, initDeployments), async (i) => {
        await client.create(deploymentsInfo, INIT_NAMESPACE, deployment(i, Math.min(PER_DEPLOYMENT, INIT_PODS - i * PER_DEPLOYMENT), INIT_NAMESPACE));
      });
      await waitFor('all warm-up pods Running', () => initRunning.size >= INIT_PODS, TIMEOUT_S * 1000, 50);
      const allRunningS = (performance.now() - tw) / 1000;
      // the warm-up's trailing work (events, status updates) must not land in the measured window
      const quiet = await waitForQuietApiserver(client, requestCounts(await readMetrics(client)));
      const times = [...initBound.values()].sort((a, b) => a - b);
      warmUp = { deployments: initDeployments, bindWindowS: (times[times.length - 1] - times[0]) / 1000, allRunningS, quietS: quiet.seconds };
    }

    const metrics0 = await readMetrics(client);
    const requests0 = requestCounts(metrics0);
    const storage0 = storageAndWatchTotals(metrics0);
    sampler.markStart();
    const machine0 = machineBusySeconds();
    const load0 = loadavg()[0];
    const benchCpu0 = process.cpuUsage();
    const t0 = performance.now();
    const creating = (async () => {
      if (BACKLOG) return;
      if (useCM) {
        await inParallel(deployments, Math.min(CREATE_CONCURRENCY, deployments), async (i) => {
          const replicas = Math.min(PER_DEPLOYMENT, PODS - i * PER_DEPLOYMENT);
          await client.create(deploymentsInfo, NAMESPACE, deployment(i, replicas));
        });
      } else {
        await createDirect();
      }
      createdS = (performance.now() - t0) / 1000;
    })();

    const progress = setInterval(() => {
      void schedulerFinalStats(scheduler).then((stats) => {
        // a long active queue means the scheduler is the bottleneck; a short one, pod creation
        const queue = (stats?.queue as { active?: number } | undefined)?.active;
        log(`t=${((performance.now() - t0) / 1000).toFixed(0)}s bound ${bound.size} running ${running.size}${queue === undefined ? '' : ` scheduler queue ${queue}`}`);
      });
    }, 5000);
    let timedOut = false;
    try {
      await creating;
      await waitFor('all pods Running', () => running.size >= PODS, TIMEOUT_S * 1000, 50);
    } catch (e) {
      timedOut = true;
      log(`stopped waiting: ${(e as Error).message}`);
    } finally {
      clearInterval(progress);
    }
    const tEnd = performance.now();
    const benchCpu = process.cpuUsage(benchCpu0);
    const figures = sampler.stop();
    const machine1 = machineBusySeconds();
    const machineBusy = machine1.busy - machine0.busy;
    const stolen = machine1.steal - machine0.steal;
    const load1 = loadavg()[0];
    const metrics1 = await readMetrics(client);
    const requests1 = requestCounts(metrics1);
    const storage1 = storageAndWatchTotals(metrics1);
    // Work the run left behind (the scheduler's Events trail far behind the bindings):
    // wait until the apiserver stops seeing new requests beyond the lease heartbeats,
    // and count the CPU again, so the per-pod figures can include it.
    const inWindow = new Map([...figures].map(([name, p]) => [name, p.cpuSeconds] as const));
    const { requests: requestsTail, seconds: tailS } = await waitForQuietApiserver(client, requests1);
    sampler.sample();
    const withTail = new Map([...figures].map(([name, p]) => [name, p.cpuSeconds] as const));
    for (const [name, cpu] of inWindow) figures.get(name)!.cpuSeconds = cpu;
    const benchCpuTail = process.cpuUsage(benchCpu0);

    // ---- figures ----
    const bindTimes = [...bound.values()].sort((a, b) => a - b);
    const runTimes = [...running.values()].sort((a, b) => a - b);
    const firstBind = bindTimes[0] ?? t0;
    const lastBind = bindTimes[bindTimes.length - 1] ?? t0;
    const bindWindowS = (lastBind - firstBind) / 1000;
    let peak = 0;
    for (let i = 0, j = 0; i < bindTimes.length; i++) {
      while (bindTimes[i] - bindTimes[j] > 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const allRunningS = runTimes.length ? (runTimes[runTimes.length - 1] - t0) / 1000 : NaN;

    // Stop the scheduler first so its final counters are in the log.
    stopFleet.abort();
    fleet.stop();
    for (const p of procs.reverse()) await p.kill();
    const sched = await schedulerFinalStats(scheduler);
    const f = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    const fleetStats = fleet.stats();
    const mode = useCM
      ? `${deployments} Deployments x ${PER_DEPLOYMENT} replicas through kubelite controller-manager`
      : BACKLOG
        ? `${PODS} created directly (${deployments} label groups of ${PER_DEPLOYMENT}) before the scheduler started (--backlog): times below start when its caches synced`
        : `created directly in ${deployments} batches of ${PER_DEPLOYMENT} (${DIRECT ? '--direct' : 'controller-manager not available yet'})`;

    const since = BACKLOG ? 'the scheduler start' : 'the first create';
    const out: string[] = [];
    out.push(`kubelite scheduler benchmark: ${NODES} hollow nodes, ${PODS} pods (${process.platform}, ${cpus().length} cores, node ${process.version})`);
    out.push(`  pods: ${mode}; each requests 10m cpu / 16Mi memory`);
    out.push(warmUp
      ? `  warm-up, not counted (scheduler_perf's initPods; --init-pods 0 measures cold processes): ${INIT_PODS} pods from ${warmUp.deployments} Deployments ` +
        `bound at ${f(initBound.size / warmUp.bindWindowS, 0)} pods/s, all Running in ${f(warmUp.allRunningS)} s, apiserver quiet ${f(warmUp.quietS)} s later; they stay on the nodes`
      : `  warm-up: none (${useCM ? '--init-pods 0' : 'needs the controller-manager'}): the measured pods meet freshly started processes`);
    out.push(`  hollow nodes: registered in ${f(registerS)} s; fake kubelets share one pod watch; node Lease renewals every ${LEASE_RENEW_MS ? `${LEASE_RENEW_MS / 1000} s` : 'never'}`);
    out.push(BACKLOG
      ? `  created: ${PODS} pods in ${f(createdS)} s (${f(PODS / createdS, 0)}/s, ${CREATE_CONCURRENCY} concurrent creates) before the scheduler started`
      : useCM
      ? `  created: ${deployments} Deployments in ${f(createdS)} s; the controller-manager created the pods`
      : `  created: ${PODS} pods in ${f(createdS)} s (${f(PODS / createdS, 0)}/s, ${CREATE_CONCURRENCY} concurrent creates)`);
    out.push(`  bound: ${bound.size}/${PODS}; ${f(bound.size / bindWindowS, 0)} pods/s from first to last binding (${f(bindWindowS)} s), ` +
      `${f(bound.size / ((lastBind - t0) / 1000), 0)} pods/s from ${since}; peak ${peak} in 1 s   target >= 500 pods/s`);
    out.push(`  running: ${running.size}/${PODS}; all Running ${f(allRunningS)} s after ${since}${timedOut ? ' (TIMED OUT)' : ''}   target < 60 s`);
    out.push(`  scheduling cycles alone (in-process, no API): ${f(cycles.podsPerS, 0)} pods/s, ${f(cycles.usPerPod, 0)} us per pod`);
    out.push(`  bound twice: ${rebinds} pods seen on a second node; scheduler binding conflicts (409 already assigned): ${sched?.bindConflicts ?? 'n/a'}   target 0`);
    if (sched) {
      out.push(`  scheduler counters: scheduled ${sched.scheduled}, bound ${sched.bound}, unschedulable attempts ${sched.unschedulable}, bind errors ${sched.bindErrors}`);
    }
    out.push(`  fleet: ${fleetStats.running} marked Running, ${fleetStats.statusErrors} status errors, ${fleetStats.leaseErrors} lease errors`);
    const wall = (tEnd - t0) / 1000;
    out.push(`  process figures over the ${f(wall)} s run (RSS peak sampled / VmHWM; CPU s and share of one core):`);
    for (const [name, p] of figures) {
      out.push(`    ${name.padEnd(19)} RSS ${f(p.peakRssMb, 0).padStart(5)} MB / ${f(p.hwmMb, 0).padStart(5)} MB   CPU ${f(p.cpuSeconds).padStart(6)} s (${f((p.cpuSeconds / wall) * 100, 0)}%)`);
    }
    if (!useCM) out.push(`    ${'controller-manager'.padEnd(19)} not run (${DIRECT || BACKLOG ? 'not needed for --direct/--backlog' : 'not available yet'})`);
    const benchCpuS = (benchCpu.user + benchCpu.system) / 1e6;
    out.push(`    ${'bench (hollow)'.padEnd(19)} RSS ${f(process.memoryUsage().rss / 2 ** 20, 0).padStart(5)} MB           CPU ${f(benchCpuS).padStart(6)} s (${f((benchCpuS / wall) * 100, 0)}%)  (creates, fake kubelets, leases)`);
    let ours = benchCpuS;
    for (const p of figures.values()) ours += p.cpuSeconds;
    const cores = cpus().length;
    out.push(`  machine: ${f(machineBusy)} of ${f(wall * cores)} core-seconds busy; ${f(stolen)} s of it stolen by the hypervisor, ` +
      `${f(Math.max(0, machineBusy - stolen - ours))} s other processes' ` +
      `(load average ${f(load0, 2)} -> ${f(load1, 2)})`);
    const perPod = (cpuS: number): string => `${f((cpuS / PODS) * 1000, 2)} ms`;
    const parts = [...figures].map(([name, p]) => `${name} ${perPod(p.cpuSeconds)}`);
    parts.push(`bench ${perPod(benchCpuS)}`);
    out.push(`  CPU per pod: ${parts.join(', ')}; all together ${perPod(ours)} -> at most ${f(cores / (ours / PODS), 0)} pods/s if all ${cores} cores were ours`);
    const tailRequests = [...requestsTail].reduce((a, [k, n]) => a + n - (requests1.get(k) ?? 0), 0);
    const tailParts = [...withTail].map(([name, cpu]) => `${name} ${perPod(cpu)}`);
    const benchTailS = (benchCpuTail.user + benchCpuTail.system) / 1e6;
    tailParts.push(`bench ${perPod(benchTailS)}`);
    const tailTotal = [...withTail.values()].reduce((a, b) => a + b, benchTailS);
    out.push(`  left behind after all Running: ${tailRequests} more requests over ${f(tailS)} s (until 2 s without new ones; ` +
      `leases not counted); CPU per pod including them: ${tailParts.join(', ')}; all together ${perPod(tailTotal)}`);
    const requestRows = [...requestsTail]
      .map(([k, n]) => [k, n - (requests0.get(k) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    const totalRequests = requestRows.reduce((a, [, n]) => a + n, 0);
    out.push(`  API requests, run and what it left behind (watches not counted): ${totalRequests} = ${f(totalRequests / PODS, 2)} per pod; ` +
      requestRows.slice(0, 12).map(([k, n]) => `${k} ${f(n / PODS, 2)}`).join(', '));
    const batches = storage1.batches - storage0.batches;
    out.push(`  apiserver during the run: ${batches} synced LevelDB batches, ${f((storage1.batchWrites - storage0.batchWrites) / Math.max(1, batches), 1)} writes ` +
      `and ${f(((storage1.batchSeconds - storage0.batchSeconds) / Math.max(1, batches)) * 1000, 1)} ms each; ` +
      `${f((storage1.watchEvents - storage0.watchEvents) / PODS, 1)} watch events sent per pod`);

    await api.stop();
    for (const [name, dir] of [['apiserver', apiProfileDir], ['scheduler', schedProfileDir], ['controller-manager', cmProfileDir]] as const) {
      if (!dir || !existsSync(dir)) continue;
      const files = readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'));
      if (!files.length) continue;
      out.push(...summarizeProfile(name, join(dir, files[0])));
      out.push(`  profile: ${join(dir, files[0])}`);
    }
    console.log(out.join('\n'));
  } finally {
    stopFleet.abort();
    fleet.stop();
    for (const p of procs) await p.kill();
    await api.stop();
    client.close();
    if (!KEEP) await removeDir(api.dataDir);
    else process.stderr.write(`[bench] kept ${api.dataDir}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
