// Kubelet helpers for end-to-end tests: a kubelet process with its own node name,
// certificates from the apiserver's CA, a pod CIDR no other Docker network uses,
// and cleanup of exactly what it created (containers by node label, its network,
// its root dir).
import Dockerode from 'dockerode';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import pino from 'pino';
import { buildKubeconfig } from '../../client/kubeconfig.js';
import { issueCertificate } from '../../client/pki.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import { cleanupPodNetwork } from '../../kubelet/pod-routes-controller.js';
import type { Node, Pod } from '../../api/types/index.js';
import { freePort, removeDir, startProcess, tempDir, waitFor, REPO, type Apiserver, type Proc } from './harness.js';

const execFileP = promisify(execFile);
export const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
export const BUSYBOX = 'kubelite.local/busybox:latest';
const nodes = findResource('', 'v1', 'nodes')!;
/** Shell for busybox httpd on :8001 whose /cgi-bin/peer answers with the client address it saw. */
export const PEER_ECHO_SCRIPT = [
  'mkdir -p /www/cgi-bin',
  'hostname > /www/index.html',
  'printf \'#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho "peer=$REMOTE_ADDR"\\n\' > /www/cgi-bin/peer',
  'busybox chmod 755 /www/cgi-bin/peer',
  'httpd -f -p 8001 -h /www & trap "exit 0" TERM INT; wait',
].join(' && ');

export const podsInfo = findResource('', 'v1', 'pods')!;

export interface KubeletProc {
  nodeName: string;
  rootDir: string;
  grpcPort: number;
  podCIDR: string;
  proc: Proc;
  logFile: string;
  restart(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  cleanup(): Promise<void>;
}

export function uniqueNodeName(prefix = 'e2e'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Builds busybox and pause images when missing (the kubelet could too; doing it once up front keeps timings honest). */
export async function ensureImages(): Promise<void> {
  await execFileP('bash', [join(REPO, 'scripts', 'build-images.sh')]);
}

/** A /24 in 10.244.0.0/16 that no Docker network on this machine uses. */
export async function freePodCIDR(): Promise<string> {
  const used = new Set<string>();
  for (const n of await docker.listNetworks()) for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.add(c.Subnet);
  // other kubelets' own bridges are not Docker networks
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && a.cidr) used.add(a.cidr);
  for (let i = 0; i < 200; i++) {
    const third = 100 + Math.floor(Math.random() * 150);
    const cidr = `10.244.${third}.0/24`;
    if (![...used].some((u) => overlaps(u, cidr))) return cidr;
  }
  throw new Error('no free pod CIDR');
}

function overlaps(a: string, b: string): boolean {
  const range = (c: string): [number, number] => {
    const [ip, bits] = c.split('/');
    const p = (ip ?? '').split('.').map(Number);
    if (p.length !== 4 || p.some((x) => Number.isNaN(x))) return [1, 0];
    const n = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
    const size = 2 ** (32 - Number(bits));
    const start = n - (n % size);
    return [start, start + size - 1];
  };
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

export interface StartKubeletOptions {
  nodeName?: string;
  nodeIp?: string;
  podCIDR?: string;
  extraArgs?: string[];
  manifestDir?: string;
  /** apiserver URL written into the kubelet's kubeconfig (default api.url), e.g. one reachable from a netns */
  server?: string;
  /** run the kubelet inside this `ip netns` (nsenter, so cgroup mounts stay visible) */
  netns?: string;
  /** Docker endpoint (default the host's) */
  dockerHost?: string;
  /** host-gw routes and the cross-node iptables rules (off by default); cleanup() removes them and the kubelet's bridge */
  podRoutes?: boolean;
}

export async function startKubelet(api: Apiserver, opts: StartKubeletOptions = {}): Promise<KubeletProc> {
  const nodeName = opts.nodeName ?? uniqueNodeName();
  const rootDir = await tempDir(`kubelet-${nodeName}`);
  const nodeIp = opts.nodeIp ?? '127.0.0.1';
  const ca = { certPem: await readFile(join(api.dataDir, 'pki', 'ca.crt'), 'utf8'), keyPem: await readFile(join(api.dataDir, 'pki', 'ca.key'), 'utf8') };
  const client = await issueCertificate(ca, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], usage: 'client' });
  const serving = await issueCertificate(ca, { commonName: nodeName, dnsNames: [nodeName, 'localhost'], ipAddresses: [nodeIp, '127.0.0.1'], usage: 'server' });
  const pki = join(rootDir, 'pki');
  await mkdir(pki, { recursive: true });
  const kubeconfig = join(pki, 'kubelet.kubeconfig');
  await writeFile(kubeconfig, buildKubeconfig({
    clusterName: 'kubelite', server: opts.server ?? api.url, caData: ca.certPem, contextName: nodeName,
    user: { name: `system:node:${nodeName}`, certData: client.certPem, keyData: client.keyPem },
  }));
  await writeFile(join(pki, 'kubelet.crt'), serving.certPem);
  await writeFile(join(pki, 'kubelet.key'), serving.keyPem);
  await writeFile(join(pki, 'ca.crt'), ca.certPem);
  const grpcPort = await freePort();
  const podCIDR = opts.podCIDR ?? (await freePodCIDR());
  const args = [
    'kubelet', '--kubeconfig', kubeconfig, '--node-name', nodeName, '--root-dir', join(rootDir, 'root'),
    '--pod-cidr', podCIDR, '--node-ip', nodeIp, '--grpc-port', String(grpcPort), '--grpc-bind-address', '127.0.0.1',
    '--tls-cert-file', join(pki, 'kubelet.crt'), '--tls-private-key-file', join(pki, 'kubelet.key'), '--client-ca-file', join(pki, 'ca.crt'),
    ...(opts.manifestDir ? ['--pod-manifest-path', opts.manifestDir] : []),
    ...(opts.dockerHost ? ['--docker-host', opts.dockerHost] : []),
    ...(opts.podRoutes ? [] : ['--no-pod-routes']),
    ...(opts.extraArgs ?? []),
  ];
  // nsenter rather than `ip netns exec`, which would hide the cgroup mounts Docker needs.
  const wrap = opts.netns ? ['nsenter', `--net=/run/netns/${opts.netns}`] : [];
  const logFile = join(rootDir, 'kubelet.log');
  const k: KubeletProc = {
    nodeName, rootDir, grpcPort, podCIDR, logFile,
    proc: startProcess(args, logFile, {}, wrap),
    async restart() {
      k.proc = startProcess(args, logFile, {}, wrap);
      await waitNodeReady(api, k);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await k.proc.kill(signal);
    },
    async cleanup() {
      await k.proc.kill('SIGKILL').catch(() => undefined);
      await removeNodeContainers(nodeName);
      // the kubelet's bridge, its rules and (with podRoutes) its routes
      if (opts.netns) {
        await execFileP('nsenter', [`--net=/run/netns/${opts.netns}`, process.execPath, join(REPO, 'bin', 'kubelite'), 'kubelet', '--cleanup', '--node-name', nodeName]).catch(() => undefined);
      } else {
        await cleanupPodNetwork(nodeName, pino({ level: 'silent' })).catch(() => undefined);
      }
      // tmpfs emptyDirs must be unmounted before the directory can go.
      const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
      for (const m of mounts.split('\n').map((l) => l.split(' ')[1]).filter((p) => p?.startsWith(rootDir + '/'))) {
        await execFileP('umount', ['-l', m]).catch(() => undefined);
      }
      await removeDir(rootDir);
    },
  };
  await waitNodeReady(api, k);
  return k;
}

async function waitNodeReady(api: Apiserver, k: KubeletProc): Promise<void> {
  const client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  const expectedStarts = restartsOf(k);
  try {
    await waitFor(`node ${k.nodeName} Ready`, async () => {
      if (k.proc.child.exitCode !== null) throw new Error(`kubelet exited: ${await readFile(k.logFile, 'utf8').catch(() => '')}`);
      const n = await client.get<Node>(nodes, undefined, k.nodeName).catch(() => undefined);
      const ready = n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      // The log line says the pod manager runs, not only that the node object exists.
      const started = (await readFile(k.logFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.includes('"kubelet started"')).length;
      return ready && started >= expectedStarts ? n : undefined;
    }, 60_000, 200);
  } finally {
    client.close();
  }
}

const starts = new WeakMap<KubeletProc, number>();
function restartsOf(k: KubeletProc): number {
  const n = (starts.get(k) ?? 0) + 1;
  starts.set(k, n);
  return n;
}

/**
 * Removes the node's containers: those that share a sandbox's namespaces first,
 * then the sandboxes, a few at a time (Docker can leave a network with a phantom
 * endpoint when it tears down many containers of one namespace at once).
 */
export async function removeNodeContainers(nodeName: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`io.kubelite.node=${nodeName}`] } });
  const isSandbox = (c: Dockerode.ContainerInfo) => c.Labels['io.kubernetes.container.name'] === 'POD';
  for (const group of [list.filter((c) => !isSandbox(c)), list.filter(isSandbox)]) {
    for (let i = 0; i < group.length; i += 4) {
      await Promise.all(group.slice(i, i + 4).map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    }
  }
}

export async function nodeContainers(nodeName: string, extraLabels: string[] = []): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`io.kubelite.node=${nodeName}`, ...extraLabels] } });
}

/** A plain pod bound straight to the node (there is no scheduler in these tests). */
export function podManifest(name: string, nodeName: string, spec: Partial<Pod['spec']> & Pick<Pod['spec'], 'containers'>, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...meta },
    spec: { nodeName, terminationGracePeriodSeconds: 1, ...spec },
  };
}

export function adminClient(api: Apiserver): RestClient {
  return new RestClient(loadKubeconfig({ path: api.kubeconfig }));
}

export async function getPod(client: RestClient, name: string, ns = 'default'): Promise<Pod | undefined> {
  return client.get<Pod>(podsInfo, ns, name).catch(() => undefined);
}

export async function waitPod(client: RestClient, name: string, what: string, pred: (p: Pod) => boolean, timeoutMs = 30_000): Promise<Pod> {
  let last: Pod | undefined;
  try {
    return await waitFor(`pod ${name} ${what}`, async () => {
      last = await getPod(client, name);
      return last && pred(last) ? last : undefined;
    }, timeoutMs, 100);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last?.status)}`);
  }
}

export const isRunningReady = (p: Pod): boolean =>
  p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

/** HTTP GET from the test process (busybox wget segfaults here). */
export async function httpGet(url: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}
