// kubelite logs / exec / port-forward / top, through the apiserver to a kubelet
// gRPC server started here and real Docker containers carrying the kubelet's
// labels (the same stand-in for a kubelet as streams-kubectl.test.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, symlink, copyFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { startApiserver, Kubectl, KUBECTL, KUBELITE, run, removeDir, tempDir, waitFor, freePort, sleep, type Apiserver, type RunResult } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { issueCertificate } from '../../client/pki.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';
import { startKubeletGrpcServer, type KubeletGrpcServer } from '../../kubelet/grpc/server.js';

const IMAGE = 'kubelite.local/busybox:latest';
const RUN_ID = randomBytes(4).toString('hex');
const TEST_LABEL = 'io.kubelite.test';
const NODE = `cli-streams-${RUN_ID}`;
const pods = findResource('', 'v1', 'pods')!;
const nodes = findResource('', 'v1', 'nodes')!;
const services = findResource('', 'v1', 'services')!;
const docker = new Dockerode();

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let kubelet: KubeletGrpcServer;

function kl(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [KUBELITE, ...args], { ...opts, env: { KUBECONFIG: api.kubeconfig } });
}

function klSpawn(args: string[]) {
  return spawn(process.execPath, [KUBELITE, ...args], { env: { ...process.env, KUBECONFIG: api.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function ensureBusybox(): Promise<void> {
  try {
    await docker.getImage(IMAGE).inspect();
    return;
  } catch {
    // build it below
  }
  const dir = await tempDir('busybox-rootfs');
  try {
    await mkdir(join(dir, 'bin'));
    await copyFile('/usr/bin/busybox', join(dir, 'bin', 'busybox'));
    for (const a of ['sh', 'httpd', 'nc', 'sleep', 'cat', 'hostname', 'env', 'ls', 'echo', 'ip', 'mkdir', 'true', 'false', 'kill', 'ps']) {
      await symlink('busybox', join(dir, 'bin', a));
    }
    await promisify(execFile)('sh', ['-c', `tar -C ${dir} -c . | docker import -c 'ENV PATH=/bin' - ${IMAGE}`]);
  } finally {
    await removeDir(dir);
  }
}

async function startContainer(pod: KubeObject, name: string, cmd: string[], networkOf?: string): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    Image: IMAGE, Cmd: cmd,
    Labels: {
      [TEST_LABEL]: RUN_ID,
      'io.kubernetes.pod.uid': pod.metadata.uid!,
      'io.kubernetes.pod.name': pod.metadata.name!,
      'io.kubernetes.pod.namespace': pod.metadata.namespace!,
      'io.kubernetes.container.name': name,
      'io.kubernetes.container.restartCount': '0',
      'io.kubelite.node': NODE,
    },
    HostConfig: { NetworkMode: networkOf ? `container:${networkOf}` : 'bridge', AutoRemove: false },
  });
  await c.start();
  return c;
}

/** A Pod bound to our node, running in Docker (sandbox + containers), status Running and Ready. */
async function createRunningPod(name: string, labels: Record<string, string>, containers: Array<{ name: string; cmd: string[]; ports?: Array<{ name?: string; containerPort: number }> }>): Promise<void> {
  const pod = await client.create(pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: NODE, containers: containers.map((c) => ({ name: c.name, image: IMAGE, command: c.cmd, ports: c.ports })) },
  } as KubeObject);
  const sandbox = await startContainer(pod, 'POD', ['sleep', '3600']);
  const ids: Record<string, string> = {};
  for (const c of containers) ids[c.name] = (await startContainer(pod, c.name, c.cmd, sandbox.id)).id;
  const ip = (await sandbox.inspect()).NetworkSettings.Networks.bridge?.IPAddress;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const fresh = await client.get(pods, 'default', name);
  await client.updateStatus(pods, 'default', {
    ...fresh,
    status: {
      phase: 'Running', hostIP: '127.0.0.1', podIP: ip, podIPs: [{ ip }], startTime: now,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map((c) => ({
        name: c.name, ready: true, restartCount: 0, image: IMAGE, imageID: IMAGE, started: true,
        state: { running: { startedAt: now } }, containerID: `docker://${ids[c.name]}`,
      })),
    },
  } as KubeObject);
}

function runInPty(command: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: api.kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end();
  });
}

/** Ages tick between the two requests: their digits are zeroed before comparing. */
function maskAges(s: string): string {
  return s.replace(/\b(?:\d+[smhdy])+\b/g, (m) => m.replace(/\d/g, '0'));
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

before(async () => {
  await ensureBusybox();
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  const ca = { certPem: api.ca, keyPem: await readFile(join(api.dataDir, 'pki', 'ca.key'), 'utf8') };
  const serving = await issueCertificate(ca, { commonName: `system:node:${NODE}`, organizations: ['system:nodes'], usage: 'server', dnsNames: [NODE], ipAddresses: ['127.0.0.1'] });
  kubelet = await startKubeletGrpcServer({
    port: 0, host: '127.0.0.1', docker, nodeName: NODE,
    tls: { caPem: api.ca, certPem: serving.certPem, keyPem: serving.keyPem },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const node = await client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } } } as KubeObject);
  await client.updateStatus(nodes, undefined, {
    ...node,
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }],
    },
  } as KubeObject);
  await createRunningPod('web', { app: 'web' }, [{
    name: 'app', ports: [{ name: 'http', containerPort: 8001 }],
    cmd: ['sh', '-c', 'echo hello-1; echo hello-2; echo err-1 >&2; mkdir -p /www; echo pf-ok > /www/index.html; exec httpd -f -p 8001 -h /www'],
  }]);
  await createRunningPod('duo', { app: 'duo' }, [
    { name: 'first', cmd: ['sh', '-c', 'echo from-first; exec sleep 3600'] },
    { name: 'second', cmd: ['sh', '-c', 'echo from-second; exec sleep 3600'] },
  ]);
  await client.create(services, 'default', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  } as KubeObject);
  await waitFor('web logs in docker', async () => (await kl(['logs', 'web'])).stdout.includes('hello-2'), 15_000, 200);
});

after(async () => {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${TEST_LABEL}=${RUN_ID}`] }) }).catch(() => []);
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
  client?.close();
  await kubelet?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api && !process.env.KUBELITE_KEEP_TEST_DIRS) await removeDir(api.dataDir);
});

test('logs: all lines, --tail, --timestamps, -c, svc/x picks a pod, -l prefixes each line', async () => {
  const all = await kl(['logs', 'web']);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, (await kubectl.ok(['logs', 'web'])));
  // stdout and stderr lines interleave in either order
  for (const line of ['hello-1', 'hello-2', 'err-1']) assert.match(all.stdout, new RegExp(`^${line}$`, 'm'));
  assert.equal((await kl(['logs', 'web', '--tail=1'])).stdout.trim().split('\n').length, 1);
  assert.match((await kl(['logs', 'web', '-c', 'app', '--timestamps', '--tail=1'])).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \S+/);
  assert.match((await kl(['logs', 'svc/web'])).stdout, /hello-2/);
  const duo = await kl(['logs', 'duo']);
  assert.equal(duo.stdout, 'from-first\n');
  assert.equal(duo.stderr, 'Defaulted container "first" out of: first, second\n');
  assert.equal((await kl(['logs', 'duo', '-c', 'second'])).stdout, 'from-second\n');
  const sel = await kl(['logs', '-l', 'app in (web,duo)', '--all-containers', '--tail=1']);
  assert.equal(sel.code, 0, sel.stderr);
  const lines = sel.stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(lines.slice(0, 2), ['[pod/duo/first] from-first', '[pod/duo/second] from-second']);
  // stdout and stderr lines of one container may come in either order
  assert.match(lines[2], /^\[pod\/web\/app\] (hello-2|err-1)$/);
  assert.equal(lines.length, 3);
  const missing = await kl(['logs', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');
});

test('logs -f follows a line written later', async () => {
  const child = klSpawn(['logs', '-f', 'web']);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    await waitFor('existing lines', () => out.includes('hello-2'), 10_000, 50);
    const r = await kl(['exec', 'web', '--', 'sh', '-c', 'echo followed-line > /proc/1/fd/1']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the new line', () => out.includes('followed-line'), 10_000, 50);
  } finally {
    child.kill();
  }
});

test('exec: exit codes, stdin, stdout and stderr apart', async () => {
  const r = await kl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stderr, 'command terminated with exit code 3\n');
  const cat = await kl(['exec', '-i', 'web', '--', 'cat'], { input: 'hi\nsecond line\n' });
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, 'hi\nsecond line\n');
  const big = 'x'.repeat(1023) + '\n';
  const bulk = await kl(['exec', '-i', 'web', '--', 'cat'], { input: big.repeat(2048) });
  assert.equal(bulk.code, 0, bulk.stderr);
  assert.equal(bulk.stdout.length, 2 * 1024 * 1024);
  const both = await kl(['exec', 'web', '-c', 'app', '--', 'sh', '-c', 'echo to-out; echo to-err >&2']);
  assert.equal(both.code, 0);
  assert.equal(both.stdout, 'to-out\n');
  assert.equal(both.stderr, 'to-err\n');
  assert.equal((await kl(['exec', 'deploy/nope', '--', 'true'])).stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
  const noTty = await kl(['exec', '-t', 'web', '--', 'true']);
  assert.equal(noTty.code, 0);
  assert.match(noTty.stderr, /Unable to use a TTY/);
});

test('exec -it under a pseudo-terminal: a TTY, stderr merged, the local terminal raw, exit code kept', async () => {
  const cmd = `exec -it web -- sh -c 'test -t 0 && echo is-a-tty; echo on-stderr >&2; exit 4'`;
  const r = await runInPty(`${process.execPath} ${KUBELITE} ${cmd}`);
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /is-a-tty/);
  assert.match(r.stdout, /on-stderr/);
  // the local terminal is raw: the remote's \r\n arrive as they are, as with kubectl
  const k = await runInPty(`${KUBECTL} --kubeconfig ${api.kubeconfig} --cache-dir ${kubectl.cacheDir} ${cmd}`);
  assert.equal(k.code, 4);
  // `script` echoes the end of its (empty) input as ^@ at some point: not ours to compare
  const clean = (t: string) => t.replace(/\^@|\0/g, '');
  assert.equal(clean(r.stdout), clean(k.stdout));
});

test('port-forward: HTTP through pod/x and svc/x (service port translated to the container port)', async () => {
  for (const target of ['pod/web', 'svc/web']) {
    const local = await freePort();
    const child = klSpawn(['port-forward', target, `${local}:${target === 'svc/web' ? 80 : 8001}`]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      await waitFor('port-forward ready', () => out.includes(`Forwarding from 127.0.0.1:${local} -> 8001`), 15_000, 50).catch((e: Error) => {
        throw new Error(`${e.message}: ${out} ${err}`);
      });
      assert.equal(await httpGet(local, '/index.html'), 'pf-ok\n');
      assert.equal(await httpGet(local, '/index.html'), 'pf-ok\n');
      assert.match(out, new RegExp(`Handling connection for ${local}\n`));
      assert.equal(child.exitCode, null, err);
    } finally {
      child.kill();
    }
  }
  const local = await freePort();
  const closed = klSpawn(['port-forward', 'pod/web', `${local}:9`]);
  let out = '';
  let err = '';
  closed.stdout.on('data', (d) => (out += d));
  closed.stderr.on('data', (d) => (err += d));
  try {
    await waitFor('port-forward ready', () => out.includes('Forwarding from'), 15_000, 50);
    await httpGet(local, '/').catch(() => '');
    await waitFor('the error', () => /connection refused/.test(err), 10_000, 50);
  } finally {
    closed.kill();
  }
});

test('top pod and top node', async () => {
  const pod = await waitFor('top pod', async () => {
    const r = await kl(['top', 'pod', 'web']);
    return r.code === 0 ? r.stdout : undefined;
  }, 20_000, 500);
  assert.match(pod, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\nweb\s+\d+m\s+\d+Mi\s*\n$/);
  assert.match(await (async () => (await kl(['top', 'pod', 'duo', '--containers'])).stdout)(), /duo\s+first\s+\d+m\s+\d+Mi\s*\nduo\s+second\s+\d+m\s+\d+Mi/);
  const all = await kl(['top', 'pods', '-l', 'app=web']);
  assert.match(all.stdout, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\nweb\s/);
  const node = await kl(['top', 'node', NODE]);
  assert.match(node.stdout, new RegExp(`^NAME\\s+CPU\\(cores\\)\\s+CPU\\(%\\)\\s+MEMORY\\(bytes\\)\\s+MEMORY\\(%\\)\\s*\\n${NODE}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s*\\n$`));
  // the header and layout match kubectl's
  const [ours, theirs] = await Promise.all([kl(['top', 'node', NODE]), kubectl.run(['top', 'node', NODE])]);
  assert.equal(JSON.stringify(ours.stdout.replace(/\d+/g, 'N').replace(/ +/g, ' ')), JSON.stringify(theirs.stdout.replace(/\d+/g, 'N').replace(/ +/g, ' ')));
  const [op, tp] = await Promise.all([kl(['top', 'pod', '-A']), kubectl.run(['top', 'pod', '-A'])]);
  assert.equal(JSON.stringify(op.stdout.replace(/\d+/g, 'N').replace(/ +/g, ' ')), JSON.stringify(tp.stdout.replace(/\d+/g, 'N').replace(/ +/g, ' ')));
});

test('describe and get -o wide of running pods match kubectl', async () => {
  for (const args of [['describe', 'pod', 'web'], ['get', 'pods', '-o', 'wide'], ['describe', 'node', NODE]]) {
    let last = '';
    let same = false;
    for (let i = 0; i < 5 && !same; i++) {
      const [a, b] = await Promise.all([kl(args), kubectl.run(args)]);
      same = maskAges(a.stdout) === maskAges(b.stdout);
      const la = maskAges(a.stdout).split('\n');
      const lb = maskAges(b.stdout).split('\n');
      last = la.map((l, n) => (l === lb[n] ? '' : `- ${JSON.stringify(l)}\n+ ${JSON.stringify(lb[n])}\n`)).join('') + a.stderr + b.stderr;
      if (!same) await sleep(300);
    }
    assert.ok(same, last);
  }
});
