// `kubelite up` / `down` end to end: a whole cluster on a bridge this test creates
// (node IP and LoadBalancer IP on it, never the uplink), the seed scenario
// verbatim with kubelite's verbs and then with the real kubectl, a component killed
// and restarted by the supervisor, a foreground `up` stopped with Ctrl-C, and
// `down --purge` leaving no process, container, network, nft table, iptables
// chain, route, bridge, data dir or kubeconfig entry behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Kubectl, KUBECTL, KUBELITE, sleep, waitFor, type RunResult } from './harness.js';
import { ensureImages } from './kubelet-harness.js';
import { exec, sh, UpCluster } from './up-harness.js';
import { hostNames } from '../../cli/up/names.js';
import { isAlive } from '../../cli/up/state.js';
import { chainNames } from '../../kubelet/pod-network-rules.js';
import { routeMetric } from '../../kubelet/pod-routes.js';

const WEB = 'kubelite.local/web:latest';
const COMPONENTS = ['apiserver', 'controller-manager', 'scheduler', 'dns', 'proxy', 'kubelet'];

/** Running (a zombie waiting for init to reap it counts as gone). */
const alive = (pid: number): boolean => isAlive(pid);

/** An interactive command under a pseudo-terminal (`script`), fed `input`. */
function runInPty(command: string, input: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** `curl http://ip:port/` (curl when installed, else the test's own HTTP client). */
async function curl(url: string): Promise<string> {
  if (existsSync('/usr/bin/curl')) {
    const r = await exec('curl', ['-s', '-m', '5', url], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new Error(`curl ${url} exited ${r.code}`);
    return r.stdout;
  }
  return (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
}

interface Tool {
  name: string;
  run(args: string[]): Promise<RunResult>;
  /** the shell command line of `exec -it <pod> -- sh` */
  execItCommand(pod: string): string;
  env: NodeJS.ProcessEnv;
  /** what the creating command names the container (run: the name, create deployment: the image's) */
  container: string;
}

async function ok(tool: Tool, args: string[]): Promise<string> {
  const r = await tool.run(args);
  if (r.code !== 0) throw new Error(`${tool.name} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

const podLines = (out: string) => out.split('\n').filter((l) => /^itopic-/.test(l));

async function seedScenario(c: UpCluster, tool: Tool, create: string[]): Promise<void> {
  const svcPrefix = c.serviceCIDR.replace(/\.0\/24$/, '.').replace(/\./g, '\\.');
  const podPrefix = c.clusterCIDR.replace(/\.0\/24$/, '.');
  assert.match(await ok(tool, create), /deployment\.apps\/itopic created/);

  // kubelite get deployment; kubelite get rs; kubelite get pod    # 3/3, 3 Running
  await waitFor('deployment 3/3', async () => /^itopic\s+3\/3\s+3\s+3\s/m.test(await ok(tool, ['get', 'deployment'])), 120_000, 500);
  assert.match(await ok(tool, ['get', 'rs']), /^itopic-[a-z0-9]+\s+3\s+3\s+3\s/m);
  const pods = podLines(await ok(tool, ['get', 'pod']));
  assert.equal(pods.length, 3, pods.join('\n'));
  for (const l of pods) assert.match(l, /^itopic-\S+\s+1\/1\s+Running\s+0\s/);
  const names = pods.map((l) => l.split(/\s+/)[0]);

  // kubelite describe pod <one>    # Node, IP, Controlled By: ReplicaSet/…, containers, events
  const d = await ok(tool, ['describe', 'pod', names[0]]);
  assert.match(d, new RegExp(`^Node:\\s+${c.nodeName}/${c.nodeIP.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(d, new RegExp(`^IP:\\s+${podPrefix.replace(/\./g, '\\.')}\\d+$`, 'm'));
  assert.match(d, /^Controlled By:\s+ReplicaSet\/itopic-[a-z0-9]+$/m);
  assert.match(d, new RegExp(`^Containers:\n {2}${tool.container}:\n`, 'm'));
  assert.match(d, new RegExp(`Image:\\s+${WEB}`));
  assert.match(d, /^Events:\n/m);
  assert.match(d, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned/);
  await waitFor('a Started event', async () => /Normal\s+Started\s+.*kubelet/.test(await ok(tool, ['describe', 'pod', names[0]])), 30_000, 500);

  // kubelite expose deployment itopic --type=LoadBalancer --port=38001 --target-port=8001
  assert.match(await ok(tool, ['expose', 'deployment', 'itopic', '--type=LoadBalancer', '--port=38001', '--target-port=8001']), /service\/itopic exposed/);
  // kubelite get service    # CLUSTER-IP, EXTERNAL-IP, 38001:3xxxx/TCP
  const line = new RegExp(`^itopic\\s+LoadBalancer\\s+(${svcPrefix}\\d+)\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s+38001:(3\\d{4})/TCP\\s`, 'm');
  const m = await waitFor('an EXTERNAL-IP', async () => line.exec(await ok(tool, ['get', 'service'])) ?? undefined, 30_000, 300);
  const [, , externalIP, nodePort] = m;
  assert.equal(externalIP, c.nodeIP, 'the LoadBalancer pool defaults to the node IP (the test bridge here)');
  const [npLo, npHi] = c.nodePortRange.split('-').map(Number);
  assert.ok(Number(nodePort) >= npLo && Number(nodePort) <= npHi, nodePort);

  // curl http://<EXTERNAL-IP>:38001/    # answered by the pods
  const url = `http://${externalIP}:38001/`;
  const first = await waitFor('the service to answer', async () => (await curl(url)).trim(), 30_000, 300);
  const seen = new Set([first]);
  for (let i = 0; i < 15; i++) seen.add((await curl(url)).trim());
  for (const h of seen) assert.ok(names.includes(h), `answer "${h}" is not one of the pods ${names.join(', ')}`);
  assert.ok(seen.size >= 2, `16 requests all went to ${[...seen].join(',')}`);

  // kubelite scale --replicas=5 deploy/itopic    # 5 Running
  assert.match(await ok(tool, ['scale', '--replicas=5', 'deploy/itopic']), /deployment\.apps\/itopic scaled/);
  const five = await waitFor('5 Running', async () => {
    const l = podLines(await ok(tool, ['get', 'pod']));
    return l.length === 5 && l.every((x) => /\s1\/1\s+Running\s/.test(x)) ? l : undefined;
  }, 120_000, 500);

  // kubelite exec -it <pod> -- sh    # interactive (and the cluster DNS answers inside the pod)
  const pod = five[4].split(/\s+/)[0];
  const shell = await runInPty(tool.execItCommand(pod), `hostname; nslookup kubernetes.default.svc.cluster.local; exit\n`, tool.env);
  assert.equal(shell.code, 0, shell.stdout + shell.stderr);
  assert.match(shell.stdout, new RegExp(`^${pod}\\r?$`, 'm'), shell.stdout);
  assert.match(shell.stdout, new RegExp(`Address:\\s+${svcPrefix}1\\b`), `nslookup through kube-dns:\n${shell.stdout}`);

  // kubelite delete deployment,service itopic    # all gone, containers too
  const del = await ok(tool, ['delete', 'deployment,service', 'itopic']);
  assert.match(del, /deployment\.apps "itopic" deleted/);
  assert.match(del, /service "itopic" deleted/);
  await waitFor('the pods gone', async () => {
    const r = await tool.run(['get', 'pod']);
    return r.code === 0 && podLines(r.stdout).length === 0 && /No resources found/.test(r.stdout + r.stderr);
  }, 120_000, 500);
  await waitFor('their containers gone', async () => (await sh('docker', ['ps', '-aq', '--filter', `label=io.kubelite.node=${c.nodeName}`,
    '--filter', 'label=io.kubernetes.pod.namespace=default'])).trim() === '', 60_000, 500);
  assert.doesNotMatch(await ok(tool, ['get', 'service']), /^itopic\s/m);
}

/** Everything of the cluster still on the machine, one line per thing. */
async function leftovers(c: UpCluster, pids: number[]): Promise<string[]> {
  const names = hostNames(c.name);
  const chains = chainNames(c.nodeName);
  const out: string[] = [];
  for (const pid of pids) if (alive(pid)) out.push(`process ${pid}`);
  const containers = (await sh('docker', ['ps', '-aq', '--filter', `label=io.kubelite.node=${c.nodeName}`])).trim();
  if (containers) out.push(`containers ${containers.split('\n').join(',')}`);
  const nets = (await sh('docker', ['network', 'ls', '-q', '--filter', `label=io.kubelite.node=${c.nodeName}`])).trim();
  if (nets) out.push(`docker networks ${nets}`);
  for (const t of (await sh('nft', ['list', 'tables'])).split('\n')) if (t.trim() === `table ip ${names.nftTable}`) out.push(t.trim());
  for (const l of (await sh('iptables-save', [])).split('\n')) {
    if (l.includes(`${names.chainPrefix}-`) || l.includes(chains.nat) || l.includes(chains.filter)) out.push(`iptables: ${l}`);
  }
  const svcNet = c.serviceCIDR.replace(/0\/24$/, '');
  const podNet = c.clusterCIDR.replace(/0\/24$/, '');
  for (const r of (await sh('ip', ['-4', 'route', 'show', 'table', 'all'])).split('\n')) {
    if (r.includes(svcNet) || r.includes(podNet) || r.includes(names.serviceBridge) || new RegExp(`proto 75 .*metric ${routeMetric(c.nodeName)}\\b`).test(r)) out.push(`route: ${r}`);
  }
  for (const l of (await sh('ip', ['-o', 'link', 'show'])).split('\n')) {
    if (l.includes(`${names.serviceBridge}:`) || l.includes(`${names.ipvsBridge}:`)) out.push(`link: ${l.split(':')[1]}`);
  }
  if (existsSync(c.dataDir)) out.push(`data dir ${c.dataDir}`);
  const kc = parseYaml(await readFile(c.kubeconfig, 'utf8').catch(() => '')) as { contexts?: Array<{ name: string }> } | null;
  if (kc?.contexts?.some((x) => x.name === c.name)) out.push(`kubeconfig context ${c.name}`);
  return out;
}

describe('kubelite up / down', { concurrency: false, timeout: 1_200_000 }, () => {
  const c = new UpCluster();
  let kubectl: Kubectl;
  const pids = new Set<number>();
  const record = async () => {
    const s = await c.supervisorState();
    if (!s) return;
    pids.add(s.pid);
    for (const p of Object.values(s.children)) if (p) pids.add(p);
  };

  before(async () => {
    await ensureImages();
    await c.prepare();
    kubectl = await Kubectl.create(c.kubeconfig);
  });

  after(async () => {
    await c.cleanup();
    await kubectl?.cleanup();
  });

  test('up --detach: every component runs, the node is Ready, DNS answers, the context is merged', async () => {
    const r = await exec(process.execPath, [KUBELITE, ...(await c.upArgs(['--detach']))], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`✓ node ${c.nodeName} Ready`));
    assert.match(r.stdout, /✓ cluster DNS .*kubernetes\.default →/);
    assert.match(r.stdout, new RegExp(`Cluster "${c.name}" is ready`));
    const state = await c.supervisorState();
    assert.ok(state && alive(state.pid), 'the detached supervisor runs');
    assert.deepEqual(Object.keys(state.children).sort(), [...COMPONENTS].sort());
    for (const [name, pid] of Object.entries(state.children)) assert.ok(alive(pid), `${name} runs`);
    await record();
    assert.deepEqual((await readdir(join(c.dataDir, 'logs'))).sort(), [...COMPONENTS.map((n) => `${n}.log`), 'supervisor.log'].sort());
    assert.ok(existsSync(c.adminKubeconfig));

    // plain kubectl (the merged kubeconfig, its current context)
    assert.equal((await kubectl.ok(['config', 'current-context'])).trim(), c.name);
    assert.match(await kubectl.ok(['get', 'nodes']), new RegExp(`^${c.nodeName}\\s+Ready\\s`, 'm'));
    // kube-dns: its Service, and answers both on its own port and through the Service IP
    const svc = await kubectl.ok(['get', 'service', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[*].port}']);
    const dnsIP = c.serviceCIDR.replace(/0\/24$/, '10');
    assert.equal(svc.trim(), `${dnsIP} 53 53`);
    for (const server of [`${c.nodeIP}:${c.dnsPort}`, `${dnsIP}:53`]) {
      const res = new Resolver({ timeout: 2000, tries: 2 });
      res.setServers([server]);
      assert.deepEqual(await res.resolve4('kubernetes.default.svc.cluster.local'), [c.serviceCIDR.replace(/0\/24$/, '1')], server);
    }
    // a second `up` finds it running and returns once ready
    const again = await exec(process.execPath, [KUBELITE, ...(await c.upArgs(['--detach']))], { timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, new RegExp(`already running \\(supervisor pid ${state.pid}`));
  });

  test('the seed scenario with kubelite', async () => {
    await seedScenario(c, {
      name: 'kubelite',
      run: (args) => c.kubelite(args),
      execItCommand: (pod) => `${process.execPath} ${KUBELITE} exec -it ${pod} -- sh`,
      env: { KUBECONFIG: c.kubeconfig },
      container: 'itopic',
    }, ['run', 'itopic', `--image=${WEB}`, '--replicas=3', '--port=8001']);
  });

  test('the seed scenario with the real kubectl', async () => {
    const base = `${KUBECTL} --kubeconfig ${c.kubeconfig} --cache-dir ${kubectl.cacheDir}`;
    await seedScenario(c, {
      name: 'kubectl',
      run: (args) => kubectl.run(args),
      execItCommand: (pod) => `${base} exec -it ${pod} -- sh`,
      env: {},
      container: 'web',
    }, ['create', 'deployment', 'itopic', `--image=${WEB}`, '--replicas=3', '--port=8001']);
  });

  test('a component killed with SIGKILL is restarted by the supervisor', async () => {
    const before0 = (await c.supervisorState())!;
    const old = before0.children.scheduler;
    process.kill(old, 'SIGKILL');
    const fresh = await waitFor('a new scheduler', async () => {
      const p = (await c.supervisorState())?.children.scheduler;
      return p && p !== old && alive(p) ? p : undefined;
    }, 30_000, 200);
    await record();
    assert.ok(!alive(old));
    const log = await readFile(join(c.dataDir, 'logs', 'supervisor.log'), 'utf8');
    assert.match(log, /"component":"scheduler","code":null,"signal":"SIGKILL".*"msg":"component exited"/);
    assert.match(log, /"component":"scheduler","delayMs":1000,"restarts":1,"msg":"restarting"/);
    // and it schedules: a new pod runs
    await ok({ name: 'kubelite', run: (a) => c.kubelite(a), execItCommand: () => '', env: {}, container: 'sleeper' },
      ['run', 'sleeper', '--image=kubelite.local/busybox:latest', '--', 'sleep', '3600']);
    await waitFor('sleeper Running', async () => /^sleeper\s+1\/1\s+Running/m.test((await c.kubelite(['get', 'pod'])).stdout), 90_000, 500);
    assert.ok(alive(fresh));
  });

  test('down stops everything, a foreground up adopts the pod, Ctrl-C stops it again', async () => {
    const sleeper = (await sh('docker', ['ps', '-q', '--filter', `label=io.kubelite.node=${c.nodeName}`, '--filter', 'label=io.kubernetes.pod.name=sleeper'])).trim();
    assert.ok(sleeper);
    await record();
    const down = await exec(process.execPath, [KUBELITE, 'down', '--data-dir', c.dataDir], { timeoutMs: 120_000 });
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, new RegExp(`Stopped kubelite cluster "${c.name}"`));
    for (const p of pids) assert.ok(!alive(p), `pid ${p} is gone after down`);
    assert.ok(!existsSync(join(c.dataDir, 'supervisor.json')));
    assert.equal((await sh('docker', ['ps', '-q', '--filter', `label=io.kubelite.node=${c.nodeName}`, '--filter', 'label=io.kubernetes.pod.name=sleeper'])).trim(), sleeper,
      'plain down leaves the pods\' containers running');

    const fg = spawn(process.execPath, [KUBELITE, ...(await c.upArgs())], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    fg.stdout.on('data', (d) => (out += d));
    fg.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => fg.on('exit', (code) => r(code)));
    try {
      await waitFor('the foreground cluster ready', () => {
        if (fg.exitCode !== null) throw new Error(`up exited ${fg.exitCode}: ${out}`);
        return out.includes('is ready');
      }, 240_000, 200);
      assert.match(out, /stop: {5}Ctrl-C/);
      await record();
      assert.equal((await c.supervisorState())?.pid, fg.pid);
      await waitFor('sleeper Running again', async () => /^sleeper\s+1\/1\s+Running\s+0\s/m.test((await c.kubelite(['get', 'pod'])).stdout), 60_000, 500);
      assert.equal((await sh('docker', ['ps', '-q', '--filter', `label=io.kubelite.node=${c.nodeName}`, '--filter', 'label=io.kubernetes.pod.name=sleeper'])).trim(), sleeper,
        'the restarted kubelet adopted the running container');
    } finally {
      fg.kill('SIGINT');
    }
    assert.equal(await exited, 0, out);
    assert.match(out, /stopping the cluster…[\s\S]*stopped/);
    for (const p of pids) assert.ok(!alive(p), `pid ${p} is gone after Ctrl-C`);
  });

  test('down --purge leaves no process, container, network, table, chain, route, bridge, data or context', async () => {
    await record();
    assert.ok((await leftovers(c, [...pids])).length > 0, 'there is something to purge (the test can fail)');
    const r = await exec(process.execPath, [KUBELITE, 'down', '--data-dir', c.dataDir, '--purge'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /✗/);
    // Docker removes a network's own rules asynchronously: give it a moment
    let left: string[] = [];
    for (let i = 0; i < 20; i++) {
      left = await leftovers(c, [...pids]);
      if (left.length === 0) break;
      await sleep(250);
    }
    assert.deepEqual(left, []);
    const again = await exec(process.execPath, [KUBELITE, 'down', '--data-dir', c.dataDir, '--purge']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No kubelite cluster in .*\nNothing to purge\./);
  });
});
