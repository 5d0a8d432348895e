// Issue 7, "Must show" on the docker-compose cluster: `scripts/cluster-up.sh` (what
// `make cluster-up WORKERS=2` runs) brings up a control-plane and two workers as
// Docker-in-Docker node containers on a compose network of their own (unique project
// name), `kubelite init` / `kubelite join` inside. Then: 3 nodes Ready with their IPs
// and pod CIDRs; a 6-replica Deployment spread over both workers (the control plane is
// tainted); pod → pod across workers by pod IP with the client's own IP seen, and by
// ClusterIP; a NodePort answering on every node's IP from this process; `kubelite
// image load` reaching every node; a join with a bad token refused; a kubelet's
// credentials refused (403) when deleting another node's pod; a worker stopped
// (`docker stop`) turning NotReady with its pods recreated on the other worker, then
// started again: Ready, no duplicate pods or containers. `scripts/cluster-down.sh`
// removes everything, even after a failure. Traffic goes only to the compose
// network's containers (and pods inside them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Kubectl, KUBELITE, REPO, removeDir, run, tempDir, waitFor, type RunResult } from './harness.js';
import { httpGet, PEER_ECHO_SCRIPT } from './kubelet-harness.js';

const WEB = 'kubelite.local/web:latest';
const BUSYBOX = 'kubelite.local/busybox:latest';
const WORKERS = ['worker-1', 'worker-2'];
const NODES = ['control-plane', ...WORKERS];

async function must(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}`);
  return r.stdout;
}

/** One compose cluster: its project name, state dir, kubeconfig and node containers. */
class ComposeCluster {
  readonly project = `kle2e${randomBytes(3).toString('hex')}`;
  env: Record<string, string> = {};
  upOutput = '';
  private constructor(readonly dir: string) {}

  static async create(): Promise<ComposeCluster> {
    return new ComposeCluster(await tempDir('compose-e2e'));
  }

  get kubeconfig(): string {
    return join(this.dir, 'kubeconfig');
  }

  get scriptEnv(): NodeJS.ProcessEnv {
    return {
      COMPOSE_PROJECT_NAME: this.project, WORKERS: String(WORKERS.length),
      KUBELITE_COMPOSE_STATE: join(this.dir, 'state'), KUBELITE_COMPOSE_KUBECONFIG: this.kubeconfig,
      KUBELITE_COMPOSE_CONTEXT: this.project,
    };
  }

  async up(): Promise<number> {
    const r = await run('bash', [join(REPO, 'scripts/cluster-up.sh')], { env: this.scriptEnv, timeoutMs: 15 * 60_000 });
    this.upOutput = `${r.stdout}\n${r.stderr}`;
    const envText = await readFile(join(this.dir, 'state', 'compose.env'), 'utf8').catch(() => '');
    for (const line of envText.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) this.env[line.slice(0, i)] = line.slice(i + 1);
    }
    if (r.code !== 0) throw new Error(`cluster-up exited ${r.code}:\n${this.upOutput.slice(-6000)}`);
    const m = /ready_seconds=([\d.]+)/.exec(r.stdout);
    return m ? Number(m[1]) : NaN;
  }

  async down(): Promise<RunResult> {
    return run('bash', [join(REPO, 'scripts/cluster-down.sh')], { env: this.scriptEnv, timeoutMs: 3 * 60_000 });
  }

  nodeIP(node: string): string {
    const prefix = this.env.KUBELITE_SUBNET?.replace(/\.0\/24$/, '');
    assert.ok(prefix, 'compose.env names the subnet');
    return node === 'control-plane' ? `${prefix}.10` : `${prefix}.${10 + Number(node.replace('worker-', ''))}`;
  }

  /** The node's container id (stopped ones too), by compose's labels. */
  async container(node: string): Promise<string> {
    const out = await must('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${this.project}`, '--filter', `label=com.docker.compose.service=${node}`]);
    const id = out.trim().split('\n')[0];
    if (!id) throw new Error(`no container for ${node}`);
    return id;
  }

  /** Runs a command inside the node container. */
  async exec(node: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return run('docker', ['exec', '-i', await this.container(node), ...args], opts);
  }

  /** Ids of the running containers of the node's inner Docker carrying every label. */
  async innerContainers(node: string, labels: string[]): Promise<string[]> {
    const r = await this.exec(node, ['docker', 'ps', '-q', ...labels.flatMap((l) => ['--filter', `label=${l}`])]);
    if (r.code !== 0) throw new Error(`docker ps in ${node}: ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean);
  }
}

interface PodLite { name: string; node: string; ip: string; phase: string; ready: boolean; deleting: boolean }

async function pods(k: Kubectl, selector: string): Promise<PodLite[]> {
  const list = JSON.parse(await k.ok(['get', 'pods', '-l', selector, '-o', 'json'])) as {
    items: { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] } }[];
  };
  return list.items.map((p) => ({
    name: p.metadata.name, node: p.spec.nodeName ?? '', ip: p.status.podIP ?? '', phase: p.status.phase ?? '',
    ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false, deleting: !!p.metadata.deletionTimestamp,
  }));
}

async function nodeReady(k: Kubectl, node: string): Promise<string> {
  return (await k.ok(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).trim();
}

/** Pods leave a node that stops answering within seconds, not the 300 s default. */
const shortTolerations = [
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
];

function manifests(): string {
  const items = [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 6, selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { terminationGracePeriodSeconds: 1, tolerations: shortTolerations, containers: [{ name: 'web', image: WEB, ports: [{ containerPort: 8001 }] }] },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8001 }] } },
    {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'echo', namespace: 'default', labels: { app: 'echo' } },
      spec: { nodeName: 'worker-1', terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: WEB, command: ['/bin/sh', '-c', PEER_ECHO_SCRIPT], ports: [{ containerPort: 8001 }] }] },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: 'default' }, spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8001 }] } },
    {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'default', labels: { app: 'client' } },
      spec: { nodeName: 'worker-2', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] }] },
    },
  ];
  return items.map((i) => stringifyYaml(i)).join('---\n');
}

describe('docker-compose multi-node cluster (make cluster-up WORKERS=2)', { timeout: 25 * 60_000 }, () => {
  let cluster: ComposeCluster;
  let k: Kubectl;
  let readySeconds = NaN;
  const hostImages: string[] = [];

  before(async () => {
    await must('bash', [join(REPO, 'scripts/ensure-compose.sh')], { timeoutMs: 5 * 60_000 });
    cluster = await ComposeCluster.create();
    readySeconds = await cluster.up();
    k = await Kubectl.create(cluster.kubeconfig);
  });

  after(async () => {
    for (const img of hostImages) await run('docker', ['rmi', '-f', img]);
    if (!cluster) return;
    const down = await cluster.down();
    await k?.cleanup();
    const left = await must('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${cluster.project}`]);
    const vols = await must('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${cluster.project}`]);
    const nets = await must('docker', ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${cluster.project}`]);
    await removeDir(cluster.dir);
    assert.equal(down.code, 0, `cluster-down failed: ${down.stderr}`);
    assert.deepEqual([left.trim(), vols.trim(), nets.trim()], ['', '', ''], 'cluster-down leaves no container, volume or network');
  });

  test('three nodes Ready; get nodes -o wide shows their compose IPs; each has its own pod CIDR; the control plane is tainted', async () => {
    console.log(`# cluster-up → all nodes Ready: ${readySeconds} s`);
    const wide = await k.ok(['get', 'nodes', '-o', 'wide']);
    const rows = wide.trim().split('\n');
    const header = rows[0].split(/\s{2,}/);
    const ipCol = header.indexOf('INTERNAL-IP');
    assert.ok(ipCol > 0, wide);
    const seen = new Map(rows.slice(1).map((r) => {
      const cols = r.split(/\s{2,}/);
      return [cols[0], { status: cols[1], ip: cols[ipCol] }] as const;
    }));
    for (const n of NODES) assert.deepEqual(seen.get(n), { status: 'Ready', ip: cluster.nodeIP(n) }, wide);
    const cidrs = (await k.ok(['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR,TAINTS:.spec.taints[*].key', '--no-headers']))
      .trim().split('\n').map((l) => l.split(/\s+/));
    assert.equal(cidrs.length, 3);
    assert.equal(new Set(cidrs.map((c) => c[1])).size, 3, 'distinct pod CIDRs');
    for (const [, cidr] of cidrs) assert.match(cidr, /^10\.244\.\d+\.0\/24$/);
    assert.deepEqual(cidrs.find((c) => c[0] === 'control-plane')?.[2], 'node-role.kubernetes.io/control-plane');
  });

  test('a 6-replica deployment spreads over both workers; pod → pod across workers by pod IP (source kept) and by ClusterIP; NodePort on every node', async () => {
    await k.ok(['apply', '-f', '-'], { input: manifests() });
    const web = await waitFor('6 web pods Running and Ready', async () => {
      const p = (await pods(k, 'app=web')).filter((x) => !x.deleting);
      return p.length === 6 && p.every((x) => x.phase === 'Running' && x.ready) && p;
    }, 120_000, 500);
    const byNode = new Set(web.map((p) => p.node));
    assert.deepEqual([...byNode].sort(), WORKERS, `spread over both workers, none on the control plane: ${web.map((p) => `${p.name}@${p.node}`).join(' ')}`);
    const [echo] = await waitFor('echo pod Running', async () => { const p = await pods(k, 'app=echo'); return p[0]?.ready && p; }, 60_000, 500);
    const [client] = await waitFor('client pod Running', async () => { const p = await pods(k, 'app=client'); return p[0]?.ready && p; }, 60_000, 500);
    assert.equal(echo.node, 'worker-1');
    assert.equal(client.node, 'worker-2');

    // Straight into the client's container through worker-2's Docker (not kubectl exec:
    // that tests the kubelet's serving certificate, not the pod network).
    const [clientContainer] = await cluster.innerContainers('worker-2', ['io.kubernetes.pod.name=client', 'io.kubernetes.container.name=c']);
    assert.ok(clientContainer, 'client container on worker-2');
    const get = async (ip: string, port: number, path: string): Promise<string> => {
      const r = await cluster.exec('worker-2', ['docker', 'exec', clientContainer, 'sh', '-c', `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port}`], { timeoutMs: 20_000 });
      if (r.code !== 0) throw new Error(`nc ${ip}:${port} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    const byPodIP = await waitFor('echo pod by pod IP', async () => { const b = await get(echo.ip, 8001, '/cgi-bin/peer'); return b.includes('peer=') && b; }, 30_000, 500);
    assert.match(byPodIP, new RegExp(`peer=(\\[::ffff:)?${client.ip.replace(/\./g, '\\.')}\\b`), `the server sees the client's pod IP ${client.ip}, not a masqueraded one:\n${byPodIP}`);

    const echoIP = (await k.ok(['get', 'service', 'echo', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const viaService = await waitFor('echo pod by ClusterIP', async () => { const b = await get(echoIP, 80, '/'); return b.includes('echo') && b; }, 30_000, 500);
    assert.match(viaService, /^echo$/m);
    const webIP = (await k.ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const webNames = new Set(web.map((p) => p.name));
    const viaWeb = await waitFor('web by ClusterIP', async () => { const b = await get(webIP, 80, '/'); return [...webNames].some((n) => b.includes(n)) && b; }, 30_000, 500);
    assert.ok(viaWeb);

    const nodePort = Number((await k.ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim());
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    for (const n of NODES) {
      const res = await waitFor(`NodePort on ${n}`, async () => {
        const r = await httpGet(`http://${cluster.nodeIP(n)}:${nodePort}/`, 3000);
        return r.status === 200 && r;
      }, 30_000, 300);
      assert.ok(webNames.has(res.body.trim()), `NodePort on ${n} answered ${res.body}`);
    }
  });

  test('kubelite image load puts an image on every node', async () => {
    // An image no node has: a one-file layer unique to this run.
    const dir = await tempDir('compose-img');
    const img = `kubelite.local/compose-e2e-${cluster.project}:v1`;
    try {
      await mkdir(join(dir, 'root'));
      await writeFile(join(dir, 'root', 'stamp'), `${cluster.project}\n`);
      await must('sh', ['-c', `tar -C ${join(dir, 'root')} -c . | docker import - ${img}`]);
      hostImages.push(img);
      const out = await must(KUBELITE, ['--kubeconfig', cluster.kubeconfig, 'image', 'load', img], { timeoutMs: 120_000 });
      const id = (await must('docker', ['image', 'inspect', '-f', '{{.Id}}', img])).trim();
      for (const n of NODES) {
        const r = await cluster.exec(n, ['docker', 'image', 'inspect', '-f', '{{.Id}}', img]);
        assert.equal(r.stdout.trim(), id, `${img} on ${n} (image load said: ${out})`);
      }
    } finally {
      await removeDir(dir);
    }
  });

  test('the local registry: an image pushed from the host to 127.0.0.1:PORT is pulled by a node as registry:5000', async () => {
    const tag = `compose-e2e-${cluster.project}:v1`;
    const hostRef = `127.0.0.1:${cluster.env.KUBELITE_REGISTRY_PORT}/${tag}`;
    await must('docker', ['tag', BUSYBOX, hostRef]);
    hostImages.push(hostRef);
    await must('docker', ['push', hostRef], { timeoutMs: 120_000 });
    const pulled = await cluster.exec('worker-2', ['docker', 'pull', `registry:5000/${tag}`], { timeoutMs: 120_000 });
    assert.equal(pulled.code, 0, pulled.stderr);
    const ids = await Promise.all([
      must('docker', ['image', 'inspect', '-f', '{{.Id}}', hostRef]),
      cluster.exec('worker-2', ['docker', 'image', 'inspect', '-f', '{{.Id}}', `registry:5000/${tag}`]).then((r) => r.stdout),
    ]);
    assert.equal(ids[1].trim(), ids[0].trim());
  });

  test('a join with a bad token is refused (a wrong CA hash too); no node appears', async () => {
    const init = await readFile(join(cluster.dir, 'state', 'init.log'), 'utf8');
    const joinLine = init.trim().split('\n').at(-1) ?? '';
    const m = /^kubelite join (\S+) --token (\S+) --discovery-token-ca-cert-hash (\S+)$/.exec(joinLine);
    assert.ok(m, `join command: ${joinLine}`);
    const [, endpoint, token, hash] = m;
    const badToken = `${token.split('.')[0]}.${'0123456789abcdef' === token.split('.')[1] ? 'fedcba9876543210' : '0123456789abcdef'}`;
    // From a worker (it has the Docker engine join checks first), as another node with a
    // data dir of its own: nothing of worker-1's is touched, and the token is refused
    // before anything is written or started.
    const joinFrom = async (tok: string, caHash: string): Promise<RunResult> => {
      const dataDir = `/tmp/kubelite-badjoin-${randomBytes(3).toString('hex')}`;
      try {
        return await cluster.exec('worker-1', [
          'kubelite', 'join', endpoint, '--token', tok, '--discovery-token-ca-cert-hash', caHash, '--no-systemd',
          '--node-name', 'intruder', '--data-dir', dataDir, '--timeout', '20s',
        ], { timeoutMs: 90_000 });
      } finally {
        await cluster.exec('worker-1', ['rm', '-rf', dataDir]);
      }
    };
    const bad = await joinFrom(badToken, hash);
    assert.equal(bad.code, 1, `stdout: ${bad.stdout}\nstderr: ${bad.stderr}`);
    assert.match(bad.stderr, /bootstrap token was refused by the apiserver \(401\b/);
    const wrongHash = await joinFrom(token, `sha256:${'0'.repeat(64)}`);
    assert.equal(wrongHash.code, 1, `stdout: ${wrongHash.stdout}\nstderr: ${wrongHash.stderr}`);
    assert.match(wrongHash.stderr, /hash/i);
    const names = (await k.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).sort();
    assert.deepEqual(names, [...NODES].sort());
  });

  test("a kubelet's credentials cannot delete another node's pod (403), but work for its own node", async () => {
    const raw = await cluster.exec('worker-1', ['cat', '/var/lib/kubelite/kubelet.kubeconfig']);
    assert.equal(raw.code, 0, raw.stderr);
    // Inline certificate files so the copy works outside the node.
    const cfg = parseYaml(raw.stdout) as { clusters: { cluster: Record<string, string> }[]; users: { user: Record<string, string> }[] };
    const inline = async (o: Record<string, string>, key: string): Promise<void> => {
      const path = o[key];
      if (!path) return;
      const r = await cluster.exec('worker-1', ['cat', path]);
      assert.equal(r.code, 0, `${path}: ${r.stderr}`);
      o[`${key}-data`] = Buffer.from(r.stdout).toString('base64');
      delete o[key];
    };
    for (const c of cfg.clusters) await inline(c.cluster, 'certificate-authority');
    for (const u of cfg.users) { await inline(u.user, 'client-certificate'); await inline(u.user, 'client-key'); }
    const file = join(cluster.dir, 'worker-1.kubeconfig');
    await writeFile(file, stringifyYaml(cfg), { mode: 0o600 });
    const asNode = await Kubectl.create(file);
    try {
      const own = await asNode.ok(['get', 'node', 'worker-1', '-o', 'jsonpath={.metadata.name}']);
      assert.equal(own.trim(), 'worker-1');
      const victim = (await pods(k, 'app=web')).find((p) => p.node === 'worker-2');
      assert.ok(victim, 'a web pod on worker-2');
      const del = await asNode.run(['delete', 'pod', victim.name, '--wait=false']);
      assert.notEqual(del.code, 0, del.stdout);
      assert.match(del.stderr, /Forbidden|forbidden/);
      assert.match(del.stderr, new RegExp(`User "system:node:worker-1" cannot delete resource "pods"`));
      assert.ok((await pods(k, 'app=web')).some((p) => p.name === victim.name && !p.deleting), 'the pod is still there');
    } finally {
      await asNode.cleanup();
    }
  });

  test('a stopped worker turns NotReady and its pods move to the other worker; started again it is Ready with no duplicates', async () => {
    // Fixed-node pods would stay bound to the stopped node; they are done.
    await k.ok(['delete', 'pod', 'echo', 'client', '--wait=false', '--ignore-not-found']);
    const before = await pods(k, 'app=web');
    assert.ok(before.some((p) => p.node === 'worker-2'));
    const stopped = Date.now();
    await must('docker', ['stop', '-t', '10', await cluster.container('worker-2')], { timeoutMs: 60_000 });
    console.log(`# docker stop worker-2: ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
    await waitFor('worker-2 NotReady', async () => (await nodeReady(k, 'worker-2')) !== 'True', 120_000, 1000);
    console.log(`# worker-2 NotReady after ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
    await waitFor('6 web pods Running on worker-1', async () => {
      const p = (await pods(k, 'app=web')).filter((x) => !x.deleting);
      return p.length === 6 && p.every((x) => x.node === 'worker-1' && x.phase === 'Running' && x.ready);
    }, 120_000, 1000);
    console.log(`# pods recreated on worker-1 after ${((Date.now() - stopped) / 1000).toFixed(1)} s`);

    const started = Date.now();
    await must('docker', ['start', await cluster.container('worker-2')]);
    await waitFor('worker-2 Ready again', async () => (await nodeReady(k, 'worker-2')) === 'True', 120_000, 1000);
    console.log(`# worker-2 Ready again ${((Date.now() - started) / 1000).toFixed(1)} s after docker start`);
    // The old pods' containers on worker-2 must go (their pods are gone), none come back.
    await waitFor('6 web pods and 6 running web containers on the workers', async () => {
      const p = (await pods(k, 'app=web'));
      if (p.length !== 6 || !p.every((x) => x.phase === 'Running' && x.ready && !x.deleting)) return false;
      const w1 = await cluster.innerContainers('worker-1', ['io.kubernetes.container.name=web']);
      const w2 = await cluster.innerContainers('worker-2', ['io.kubernetes.container.name=web']);
      return w1.length + w2.length === 6 && w1.length === 6;
    }, 60_000, 1000);
    const names = (await pods(k, 'app=web')).map((p) => p.name);
    assert.equal(new Set(names).size, 6);
  });
});
