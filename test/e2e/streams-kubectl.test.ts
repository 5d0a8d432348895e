// Streams and stats with the real kubectl: logs, exec, port-forward and top, through
// the apiserver to a kubelet gRPC server (started here) and real Docker containers
// that this test starts with the kubelet's labels, standing in for the kubelet's pods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, symlink, copyFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { startApiserver, Kubectl, KUBECTL, removeDir, tempDir, waitFor, freePort, type Apiserver } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { issueCertificate } from '../../client/pki.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';
import { startKubeletGrpcServer, type KubeletGrpcServer } from '../../kubelet/grpc/server.js';
import { KubeletClients } from '../../apiserver/streams/kubelet-client.js';

const IMAGE = 'kubelite.local/busybox:latest';
const RUN_ID = randomBytes(4).toString('hex');
const TEST_LABEL = 'io.kubelite.test';
const NODE = `streams-${RUN_ID}`;
const pods = findResource('', 'v1', 'pods')!;
const nodes = findResource('', 'v1', 'nodes')!;
const docker = new Dockerode();

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let kubelet: KubeletGrpcServer;

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

interface PodSpec {
  name: string;
  containers: Array<{ name: string; cmd: string[] }>;
  nodeName?: string;
}

function podLabels(pod: KubeObject, container: string, restart: number): Record<string, string> {
  return {
    [TEST_LABEL]: RUN_ID,
    'io.kubernetes.pod.uid': pod.metadata.uid!,
    'io.kubernetes.pod.name': pod.metadata.name!,
    'io.kubernetes.pod.namespace': pod.metadata.namespace!,
    'io.kubernetes.container.name': container,
    'io.kubernetes.container.restartCount': String(restart),
    'io.kubelite.node': NODE,
  };
}

async function startContainer(pod: KubeObject, name: string, cmd: string[], restart: number, networkOf?: string): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    Image: IMAGE, Cmd: cmd, Labels: podLabels(pod, name, restart),
    HostConfig: { NetworkMode: networkOf ? `container:${networkOf}` : 'bridge', AutoRemove: false },
  });
  await c.start();
  return c;
}

/** A Pod bound to our node, its sandbox and containers running in Docker, status Running. */
async function createRunningPod(spec: PodSpec): Promise<{ pod: KubeObject; ids: Record<string, string> }> {
  const pod = await client.create(pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: spec.name, namespace: 'default', labels: { app: spec.name } },
    spec: { nodeName: spec.nodeName ?? NODE, containers: spec.containers.map((c) => ({ name: c.name, image: IMAGE, command: c.cmd })) },
  } as KubeObject);
  const sandbox = await startContainer(pod, 'POD', ['sleep', '3600'], 0);
  const ids: Record<string, string> = { POD: sandbox.id };
  for (const c of spec.containers) ids[c.name] = (await startContainer(pod, c.name, c.cmd, 0, sandbox.id)).id;
  const ip = (await sandbox.inspect()).NetworkSettings.Networks.bridge?.IPAddress;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const fresh = await client.get(pods, 'default', spec.name);
  await client.updateStatus(pods, 'default', {
    ...fresh,
    status: {
      phase: 'Running', podIP: ip, podIPs: [{ ip }], startTime: now,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: spec.containers.map((c) => ({
        name: c.name, ready: true, restartCount: 0, image: IMAGE, imageID: IMAGE, started: true,
        state: { running: { startedAt: now } }, containerID: `docker://${ids[c.name]}`,
      })),
    },
  } as KubeObject);
  return { pod, ids };
}

async function createNode(name: string, port: number): Promise<void> {
  const node = await client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } } as KubeObject);
  await client.updateStatus(nodes, undefined, {
    ...node,
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }],
    },
  } as KubeObject);
}

async function removeTestContainers(): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${TEST_LABEL}=${RUN_ID}`] }) });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
}

function runWithInput(cmd: string, args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
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
    child.stdin.end(input);
  });
}

async function adminTls(): Promise<{ ca: string; cert: string; key: string }> {
  const kc = await readFile(api.kubeconfig, 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(kc)![1], 'base64').toString();
  return { ca: api.ca, cert: field('client-certificate-data'), key: field('client-key-data') };
}

/** Runs one exec over a raw WebSocket, sends the given frames once open, returns every frame received. */
async function wsExec(query: string, protocol: string, send: Buffer[]): Promise<Buffer[]> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(`wss://localhost:${api.port}/api/v1/namespaces/default/pods/web/exec?container=app&${query}`, [protocol], await adminTls());
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  assert.equal(ws.protocol, protocol);
  for (const f of send) ws.send(f);
  await new Promise<void>((resolve) => ws.on('close', () => resolve()));
  return frames;
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
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
  await createNode(NODE, kubelet.port);
  await createRunningPod({
    name: 'web',
    containers: [{ name: 'app', cmd: ['sh', '-c', 'echo hello-1; echo hello-2; echo err-1 >&2; mkdir -p /www; echo pf-ok > /www/index.html; exec httpd -f -p 8001 -h /www'] }],
  });
  await waitFor('web logs in docker', async () => (await kubectl.run(['logs', 'web'])).stdout.includes('hello-2'), 15_000, 200);
});

after(async () => {
  await removeTestContainers().catch(() => {});
  await kubelet?.close();
  await api?.stop();
  await kubectl?.cleanup();
  // KUBELITE_KEEP_TEST_DIRS=1 keeps the apiserver's data dir (and its log) for a look afterwards
  if (api && !process.env.KUBELITE_KEEP_TEST_DIRS) await removeDir(api.dataDir);
});

test('kubectl logs: all lines (stdout and stderr), --tail, --timestamps', async () => {
  const all = await kubectl.ok(['logs', 'web']);
  assert.match(all, /hello-1\n/);
  assert.match(all, /hello-2\n/);
  assert.match(all, /err-1\n/);
  const tail = await kubectl.ok(['logs', 'web', '--tail=1']);
  assert.equal(tail.trim().split('\n').length, 1);
  const ts = await kubectl.ok(['logs', 'web', '-c', 'app', '--timestamps', '--tail=1']);
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \S+/);
});

test('kubectl logs -f sees a line written after it started', async () => {
  const child = kubectl.spawn(['logs', '-f', 'web']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  try {
    await waitFor('existing lines', () => out.includes('hello-2'), 10_000, 50);
    // writing to PID 1's stdout is writing to the container's log
    await kubectl.ok(['exec', 'web', '--', 'sh', '-c', 'echo followed-line > /proc/1/fd/1']);
    await waitFor('the new line', () => out.includes('followed-line'), 10_000, 50);
  } finally {
    child.kill();
  }
});

test('kubectl exec: exit codes, piped stdin, plain commands', async () => {
  const r = await kubectl.run(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /command terminated with exit code 3/);
  const cat = await kubectl.run(['exec', '-i', 'web', '--', 'cat'], { input: 'piped input\nsecond line\n' });
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, 'piped input\nsecond line\n');
  const big = 'x'.repeat(1023) + '\n';
  const bulk = await kubectl.run(['exec', '-i', 'web', '--', 'cat'], { input: big.repeat(4096) });
  assert.equal(bulk.code, 0, bulk.stderr);
  assert.equal(bulk.stdout.length, 4 * 1024 * 1024);
  const host = await kubectl.ok(['exec', 'web', '--', 'hostname']);
  assert.match(host, /^\S+\n$/);
  const err = await kubectl.run(['exec', 'web', '--', 'sh', '-c', 'echo to-out; echo to-err >&2']);
  assert.equal(err.code, 0);
  assert.equal(err.stdout, 'to-out\n');
  assert.match(err.stderr, /to-err/);
});

test('kubectl exec -it under a pseudo-terminal: a TTY, stderr merged, resize accepted', async () => {
  // `script` gives kubectl a real terminal, so it asks for tty=true and sends the terminal size
  const cmd = `${KUBECTL} --kubeconfig ${api.kubeconfig} --cache-dir ${kubectl.cacheDir} exec -it web -- sh -c 'test -t 0 && echo is-a-tty; echo on-stderr >&2; exit 4'`;
  const r = await runWithInput('script', ['-qec', cmd, '/dev/null'], '');
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /is-a-tty/);
  assert.match(r.stdout, /on-stderr/);
});

test('exec over a raw v5 WebSocket: tty output only on channel 1, stdin close, resize, Status last', async () => {
  const frames = await wsExec('command=sh&command=-c&command=read+x%3B+echo+got%3A%24x%3B+echo+err+%3E%262&stdin=true&stdout=true&stderr=true&tty=true', 'v5.channel.k8s.io', [
    Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}')]),
    Buffer.concat([Buffer.from([0]), Buffer.from('hello\n')]),
    Buffer.from([255, 0]),
  ]);
  assert.ok(frames.every((f) => f[0] !== 2), 'no stderr channel in tty mode');
  const out = Buffer.concat(frames.filter((f) => f[0] === 1).map((f) => f.subarray(1))).toString();
  assert.match(out, /got:hello/);
  assert.match(out, /err/);
  const last = frames[frames.length - 1];
  assert.equal(last[0], 3);
  assert.deepEqual(JSON.parse(last.subarray(1).toString()), { metadata: {}, status: 'Success' });
});

test('exec over v4.channel.k8s.io: separate stdout and stderr, non-zero exit Status', async () => {
  const frames = await wsExec('command=sh&command=-c&command=echo+out%3B+echo+err+%3E%262%3B+exit+7&stdout=true&stderr=true', 'v4.channel.k8s.io', []);
  const text = (ch: number) => Buffer.concat(frames.filter((f) => f[0] === ch).map((f) => f.subarray(1))).toString();
  assert.equal(text(1), 'out\n');
  assert.equal(text(2), 'err\n');
  const status = JSON.parse(text(3)) as { status: string; reason: string; details: { causes: Array<{ reason: string; message: string }> } };
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '7' }]);
});

test('kubectl top pod and top node', async () => {
  const pod = await waitFor('top pod', async () => {
    const r = await kubectl.run(['top', 'pod', 'web']);
    return r.code === 0 ? r.stdout : undefined;
  }, 20_000, 500);
  assert.match(pod, /NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
  assert.match(pod, /web\s+\d+m\s+\d+Mi/);
  const containers = await kubectl.ok(['top', 'pod', 'web', '--containers']);
  assert.match(containers, /web\s+app\s+\d+m\s+\d+Mi/);
  const selected = await kubectl.ok(['top', 'pod', '-l', 'app=web']);
  assert.match(selected, /web/);
  const node = await kubectl.ok(['top', 'node', NODE]);
  assert.match(node, new RegExp(`${NODE}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi`));
  const raw = JSON.parse(await kubectl.ok(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods'])) as { kind: string; items: Array<{ metadata: { name: string }; containers: unknown[] }> };
  assert.equal(raw.kind, 'PodMetricsList');
  assert.deepEqual(raw.items.map((i) => i.metadata.name), ['web']);
});

test('kubectl port-forward carries an HTTP request to the pod', async () => {
  const local = await freePort();
  const child = kubectl.spawn(['port-forward', 'pod/web', `${local}:8001`]);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  try {
    await waitFor('port-forward ready', () => out.includes('Forwarding from'), 15_000, 50).catch((e: Error) => {
      throw new Error(`${e.message}: ${err}`);
    });
    const body = await httpGet(local, '/index.html').catch((e: Error) => {
      throw new Error(`${e.message}; kubectl said: ${err}`);
    });
    assert.equal(body, 'pf-ok\n');
    // a second connection over the same session
    assert.equal(await httpGet(local, '/index.html'), 'pf-ok\n');
    assert.equal(child.exitCode, null, `kubectl exited: ${err}`);
  } finally {
    child.kill();
  }
});

test('kubectl port-forward over plain SPDY (websockets disabled in kubectl)', async () => {
  const local = await freePort();
  const child = spawn(KUBECTL, ['--kubeconfig', api.kubeconfig, '--cache-dir', kubectl.cacheDir, 'port-forward', 'pod/web', `${local}:8001`], {
    env: { ...process.env, KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    await waitFor('port-forward ready', () => out.includes('Forwarding from'), 15_000, 50).catch((e: Error) => {
      throw new Error(`${e.message}: ${err}`);
    });
    assert.equal(await httpGet(local, '/index.html'), 'pf-ok\n');
  } finally {
    child.kill();
  }
});

test('kubectl port-forward to a closed port reports the error', async () => {
  const local = await freePort();
  const child = kubectl.spawn(['port-forward', 'pod/web', `${local}:9`]);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  try {
    await waitFor('port-forward ready', () => out.includes('Forwarding from'), 15_000, 50);
    await httpGet(local, '/').catch(() => '');
    await waitFor('the error', () => /connection refused/.test(err), 10_000, 50);
  } finally {
    child.kill();
  }
});

test('kubectl logs --previous after the container restarted', async () => {
  const pod = await client.get(pods, 'default', 'web');
  const list = await docker.listContainers({ filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`, 'io.kubernetes.container.name=app'] }) });
  const sandbox = await docker.listContainers({ filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`, 'io.kubernetes.container.name=POD'] }) });
  await docker.getContainer(list[0].Id).kill();
  await startContainer(pod, 'app', ['sh', '-c', 'echo second-instance; exec httpd -f -p 8001 -h /'], 1, sandbox[0].Id);
  await waitFor('new instance logs', async () => (await kubectl.run(['logs', 'web'])).stdout === 'second-instance\n', 10_000, 100);
  const prev = await kubectl.ok(['logs', 'web', '--previous']);
  assert.match(prev, /hello-1/);
  assert.doesNotMatch(prev, /second-instance/);
});

test('errors come back as Kubernetes Status', async () => {
  const missing = await kubectl.run(['logs', 'nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /pods "nope" not found/);

  // a pod whose container never started
  await client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { nodeName: NODE, containers: [{ name: 'c', image: IMAGE }] } } as KubeObject);
  const waiting = await kubectl.run(['logs', 'pending']);
  assert.match(waiting.stderr, /container "c" in pod "pending" is waiting to start: ContainerCreating/);

  // a pod with two containers, asked without naming one (kubectl would pick a default, so ask raw)
  await client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'two' }, spec: { nodeName: NODE, containers: [{ name: 'a', image: IMAGE }, { name: 'b', image: IMAGE }] } } as KubeObject);
  const two = await kubectl.run(['get', '--raw', '/api/v1/namespaces/default/pods/two/log']);
  assert.match(two.stderr, /a container name must be specified for pod two, choose one of: \[a b\]/);

  // a node whose kubelet is not listening
  const dead = await freePort();
  await createNode(`dead-${RUN_ID}`, dead);
  await client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan' }, spec: { nodeName: `dead-${RUN_ID}`, containers: [{ name: 'c', image: IMAGE }] }, status: {} } as KubeObject);
  const fresh = await client.get(pods, 'default', 'orphan');
  await client.updateStatus(pods, 'default', { ...fresh, status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: IMAGE, imageID: IMAGE, state: { running: {} } }] } } as KubeObject);
  const unreachable = await kubectl.run(['logs', 'orphan']);
  assert.match(unreachable.stderr, new RegExp(`dial tcp 127\\.0\\.0\\.1:${dead}: connect: connection refused`));
  const execDead = await kubectl.run(['exec', 'orphan', '--', 'true']);
  assert.notEqual(execDead.code, 0);
  assert.match(execDead.stderr, /connection refused/);
  // top skips what it cannot reach instead of failing
  const top = await kubectl.ok(['top', 'pod', 'web']);
  assert.match(top, /web/);
});

test('the kubelet only serves the apiserver identity', async () => {
  const ca = { certPem: api.ca, keyPem: await readFile(join(api.dataDir, 'pki', 'ca.key'), 'utf8') };
  const node = await issueCertificate(ca, { commonName: 'system:node:other', organizations: ['system:nodes'], usage: 'client' });
  const other = new KubeletClients({ caPem: api.ca, certPem: node.certPem, keyPem: node.keyPem });
  const apiserverCert = {
    certPem: await readFile(join(api.dataDir, 'pki', 'apiserver-kubelet-client.crt'), 'utf8'),
    keyPem: await readFile(join(api.dataDir, 'pki', 'apiserver-kubelet-client.key'), 'utf8'),
  };
  const apiserver = new KubeletClients({ caPem: api.ca, ...apiserverCert });
  const addr = { host: '127.0.0.1', port: kubelet.port, nodeName: NODE };
  try {
    await assert.rejects(other.stats(addr, { namespace: '', pod: '', nodeOnly: true }, 5000), (e: { code?: number }) => e.code === 7);
    const ok = await apiserver.stats(addr, { namespace: '', pod: '', nodeOnly: true }, 5000);
    assert.equal(ok.node?.name, NODE);
  } finally {
    other.close();
    apiserver.close();
  }
});

test('the plain WebSocket port-forward protocol (v4.channel.k8s.io)', async () => {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(`wss://localhost:${api.port}/api/v1/namespaces/default/pods/web/portforward?ports=8001`, ['v4.channel.k8s.io'], await adminTls());
  const got: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  assert.equal(ws.protocol, 'v4.channel.k8s.io');
  ws.on('message', (d: Buffer) => got.push(Buffer.from(d)));
  ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.0\r\n\r\n')]));
  await new Promise<void>((resolve) => ws.on('close', () => resolve()));
  // both channels announce the port first
  assert.deepEqual([...got[0]], [0, 0x41, 0x1f]);
  assert.deepEqual([...got[1]], [1, 0x41, 0x1f]);
  const data = Buffer.concat(got.slice(2).filter((m) => m[0] === 0).map((m) => m.subarray(1))).toString();
  assert.match(data, /^HTTP\/1\.[01] \d{3}/);
});
