// Issue "kubelet", pod network: on a host whose dockerd bridge is not the node's
// podCIDR the kubelet runs its own bridge. Pause containers start on Docker's
// `none` network and the kubelet plugs a veth into them with an IP it allocates.
// Checked here against the real kernel: the veth on the bridge (hairpin on), pods
// reaching each other, a container outside the pod network seeing the node's
// address (masquerade), hostPort on every local address and from another pod,
// addresses not reused at once and rebuilt from Docker after kill -9 of the kubelet,
// and `kubelet --cleanup` leaving no bridge, chain or jump behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Pod } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';
import { chainNames } from '../../kubelet/pod-network-rules.js';
import { bridgeName, vethName } from '../../kubelet/pod-net/link.js';
import { freePort, KUBELITE, removeDir, run, startApiserver, waitFor, type Apiserver } from './harness.js';
import {
  adminClient, BUSYBOX, docker, ensureImages, httpGet, isRunningReady, nodeContainers, PEER_ECHO_SCRIPT, podManifest, podsInfo, startKubelet, waitPod, type KubeletProc,
} from './kubelet-harness.js';

const id = randomBytes(3).toString('hex');
const OUTSIDE = `kl-e2e-outside-${id}`;
let api: Apiserver;
let kubelet: KubeletProc;
let client: RestClient;
let bridge: string;
let gateway: string;

function echoPod(name: string, ports: Array<{ containerPort: number; hostPort?: number; hostIP?: string }> = [{ containerPort: 8001 }]): Pod {
  return podManifest(name, kubelet.nodeName, {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'web', image: BUSYBOX, command: ['/bin/sh', '-c', PEER_ECHO_SCRIPT], ports, readinessProbe: { tcpSocket: { port: 8001 }, periodSeconds: 1 } }],
  });
}

async function sandboxOf(pod: Pod): Promise<{ id: string; labels: Record<string, string> }> {
  const list = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${pod.metadata.uid}`, 'io.kubernetes.container.name=POD']);
  const running = list.filter((c) => c.State === 'running');
  assert.equal(running.length, 1, 'one running sandbox');
  return { id: running[0]!.Id, labels: running[0]!.Labels };
}

/** HTTP GET with busybox nc from inside the pod's container. */
async function getFromPod(pod: Pod, host: string, port: number, path = '/'): Promise<string> {
  const cid = pod.status!.containerStatuses![0]!.containerID!.replace('docker://', '');
  const r = await run('docker', ['exec', cid, 'sh', '-c', `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`], { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`nc exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function runningPod(name: string, ports?: Array<{ containerPort: number; hostPort?: number; hostIP?: string }>): Promise<Pod> {
  await client.create(podsInfo, 'default', echoPod(name, ports));
  return waitPod(client, name, 'Running and Ready', isRunningReady, 60_000);
}

before(async () => {
  await ensureImages();
  api = await startApiserver();
  client = adminClient(api);
  kubelet = await startKubelet(api);
  bridge = bridgeName(kubelet.nodeName);
  gateway = kubelet.podCIDR.replace(/0\/24$/, '1');
  // a server outside the pod network: a container on Docker's default bridge
  const r = await run('docker', ['run', '-d', '--name', OUTSIDE, '--label', `io.kubelite.e2e=${id}`, BUSYBOX, 'sh', '-c', PEER_ECHO_SCRIPT]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await run('docker', ['rm', '-f', OUTSIDE]);
  await kubelet?.cleanup();
  client?.close();
  await api?.stop();
  if (api) await removeDir(api.dataDir);
});

test('a pod gets an IP from the podCIDR on the kubelet bridge: none network, veth with hairpin, IP recorded on the sandbox', async () => {
  const pod = await runningPod('net-a');
  const ip = pod.status!.podIP!;
  assert.ok(ip.startsWith(kubelet.podCIDR.replace(/0\/24$/, '')), `${ip} in ${kubelet.podCIDR}`);
  const sandbox = await sandboxOf(pod);
  assert.equal(sandbox.labels['io.kubelite.pod.ip'], ip);
  assert.equal((await docker.getContainer(sandbox.id).inspect()).HostConfig.NetworkMode, 'none');
  const veth = vethName(sandbox.id);
  assert.ok(existsSync(`/sys/class/net/${bridge}/brif/${veth}`), `${veth} is a port of ${bridge}`);
  assert.equal((await readFile(`/sys/class/net/${bridge}/brif/${veth}/hairpin_mode`, 'utf8')).trim(), '1');
  // the host reaches the pod by its IP
  assert.equal((await httpGet(`http://${ip}:8001/`)).body.trim(), 'net-a');
});

test('pods reach each other with their own addresses; traffic leaving the pod network is masqueraded', async () => {
  const a = await getPodRunning('net-a');
  const b = await runningPod('net-b');
  assert.notEqual(a.status!.podIP, b.status!.podIP);
  assert.match(await getFromPod(b, a.status!.podIP!, 8001, '/cgi-bin/peer'), peer(b.status!.podIP!));
  const outside = (await docker.getContainer(OUTSIDE).inspect()).NetworkSettings.Networks.bridge!;
  const seen = await getFromPod(b, outside.IPAddress, 8001, '/cgi-bin/peer');
  assert.match(seen, peer(outside.Gateway), `the outside server sees the node's address, not the pod's: ${seen}`);
});

test('hostPort: on every local address, from the host and from another pod; the rule goes with the pod', async () => {
  const hostPort = await freePort();
  const pod = await runningPod('net-hp', [{ containerPort: 8001, hostPort }]);
  assert.equal((await httpGet(`http://127.0.0.1:${hostPort}/`)).body.trim(), 'net-hp');
  assert.equal((await httpGet(`http://${gateway}:${hostPort}/`)).body.trim(), 'net-hp');
  const b = await getPodRunning('net-b');
  assert.match(await getFromPod(b, gateway, hostPort), /net-hp/);
  // the pod reaching its own hostPort (hairpin)
  assert.match(await getFromPod(pod, gateway, hostPort), /net-hp/);
  const save = async () => (await run('iptables-save', ['-t', 'nat'])).stdout;
  assert.ok((await save()).includes(`--dport ${hostPort} -m comment --comment "default/net-hp hostPort ${hostPort}" -j DNAT --to-destination ${pod.status!.podIP}:8001`));
  await client.delete(podsInfo, 'default', 'net-hp', { gracePeriodSeconds: 0 });
  await waitFor('hostPort rule removed', async () => !(await save()).includes(`default/net-hp hostPort`), 30_000, 200);
});

test('after kill -9 the kubelet rebuilds its address book from Docker: running pods keep their IPs, new pods get other ones', async () => {
  const before = await Promise.all(['net-a', 'net-b'].map(getPodRunning));
  const held = new Set(before.map((p) => p.status!.podIP!));
  await kubelet.stop('SIGKILL');
  await kubelet.restart();
  const c = await runningPod('net-c');
  assert.ok(!held.has(c.status!.podIP!), `new pod ${c.status!.podIP} does not take ${[...held].join(', ')}`);
  for (const p of before) {
    const now = await getPodRunning(p.metadata.name!);
    assert.equal(now.status!.podIP, p.status!.podIP);
    assert.equal((await httpGet(`http://${now.status!.podIP}:8001/`)).body.trim(), p.metadata.name);
  }
});

test('a deleted pod frees its veth; kubelet --cleanup removes the bridge, its chains and jumps', async () => {
  const pod = await getPodRunning('net-c');
  const veth = vethName((await sandboxOf(pod)).id);
  await client.delete(podsInfo, 'default', 'net-c', { gracePeriodSeconds: 0 });
  await waitFor(`${veth} gone`, async () => !existsSync(`/sys/class/net/${veth}`), 30_000, 200);
  for (const name of ['net-a', 'net-b']) await client.delete(podsInfo, 'default', name, { gracePeriodSeconds: 0 });
  await kubelet.stop();
  await waitFor('pod containers gone', async () => {
    for (const c of await nodeContainers(kubelet.nodeName)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    return (await nodeContainers(kubelet.nodeName)).length === 0;
  }, 30_000, 500);
  const r = await run(process.execPath, [KUBELITE, 'kubelet', '--cleanup', '--node-name', kubelet.nodeName]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(`/sys/class/net/${bridge}`), 'bridge removed');
  const save = (await run('iptables-save', [])).stdout;
  const c = chainNames(kubelet.nodeName);
  for (const chain of [c.masq, c.hostPorts, c.bridge]) assert.ok(!save.includes(chain), `${chain} removed`);
});

/** httpd prints IPv4 peers in their IPv6-mapped form */
function peer(ip: string): RegExp {
  return new RegExp(`peer=(\\[::ffff:)?${ip.replace(/\./g, '\\.')}\\b`);
}

async function getPodRunning(name: string): Promise<Pod> {
  return waitPod(client, name, 'Running and Ready', isRunningReady, 30_000);
}
