// Issue 5, "Pod network across nodes": two hosts on this one machine (node A on the
// host, node B in a network namespace with a dockerd of its own, joined by a host
// bridge the test creates). Each kubelet routes the other node's podCIDR via its
// InternalIP; pods reach each other across the hosts and the server sees the
// client's pod IP (no masquerade). Deleting a Node removes its route; `kubelet
// --cleanup` removes routes and chains; nothing the test created is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { findResource } from '../../api/resources.js';
import type { Pod } from '../../api/types/index.js';
import { chainNames } from '../../kubelet/pod-network-rules.js';
import { routeMetric, ROUTE_PROTO } from '../../kubelet/pod-routes.js';
import { KUBELITE, removeDir, run, startApiserver, waitFor, type Apiserver } from './harness.js';
import { createHostBridge, createNetns, loadImages, startDockerd, type ExtraDockerd, type HostBridge, type Netns } from './extra-dockerd.js';
import {
  adminClient, ensureImages, freePodCIDR, PEER_ECHO_SCRIPT, isRunningReady, podManifest, podsInfo, startKubelet, uniqueNodeName, waitPod, type KubeletProc,
} from './kubelet-harness.js';

const WEB = 'kubelite.local/web:latest';
const BUSYBOX = 'kubelite.local/busybox:latest';
const nodesInfo = findResource('', 'v1', 'nodes')!;

/** httpd on :8001 whose /cgi-bin/peer answers with the client address it saw. */
function peerEchoPod(name: string, nodeName: string): Pod {
  return podManifest(name, nodeName, {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'web', image: WEB, command: ['/bin/sh', '-c', PEER_ECHO_SCRIPT], ports: [{ containerPort: 8001 }] }],
  });
}

/** Runs an HTTP GET with busybox nc inside the pod's container, on the given Docker. */
async function getFromPod(dockerHost: string, podName: string, url: { ip: string; path: string }): Promise<string> {
  const ps = await run('docker', ['-H', dockerHost, 'ps', '-q', '--filter', `label=io.kubernetes.pod.name=${podName}`, '--filter', 'label=io.kubernetes.container.name=web']);
  const id = ps.stdout.trim().split('\n')[0];
  if (!id) throw new Error(`no container for pod ${podName}`);
  const r = await run('docker', ['-H', dockerHost, 'exec', id, 'sh', '-c', `printf 'GET ${url.path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${url.ip} 8001`], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`nc exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface IpRoute { dst?: string; gateway?: string; metric?: number }

async function podRoutes(netns?: Netns): Promise<IpRoute[]> {
  const args = ['-j', '-4', 'route', 'show', 'table', 'main', 'proto', String(ROUTE_PROTO)];
  const out = netns ? await netns.exec('ip', args) : (await run('ip', args)).stdout;
  return out.trim() ? (JSON.parse(out) as IpRoute[]) : [];
}

const routesOf = (routes: IpRoute[], nodeName: string): IpRoute[] => routes.filter((r) => r.metric === routeMetric(nodeName));

async function iptablesSave(netns?: Netns): Promise<string> {
  return netns ? netns.exec('iptables-save', []) : (await run('iptables-save', [])).stdout;
}

/** Forwards the bridge address to the loopback-only apiserver, so the namespace reaches it and the uplink does not. */
async function forwardApiserver(api: Apiserver, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((c) => {
    const up = connect(api.port, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, host, () => res());
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

test('pods on two hosts reach each other by pod IP through host-gw routes, without masquerade', { timeout: 240_000 }, async () => {
  await ensureImages();
  const id = uniqueNodeName('mh');
  const nodeA = `${id}-a`;
  const nodeB = `${id}-b`;
  let bridge: HostBridge | undefined;
  let ns: Netns | undefined;
  let dockerB: ExtraDockerd | undefined;
  let api: Apiserver | undefined;
  let fwd: { server: Server; port: number } | undefined;
  let kA: KubeletProc | undefined;
  let kB: KubeletProc | undefined;
  const client = () => adminClient(api!);
  try {
    bridge = await createHostBridge({ id });
    ns = await createNetns({ id, bridge });
    const podCIDRA = await freePodCIDR();
    let podCIDRB = await freePodCIDR();
    while (podCIDRB === podCIDRA) podCIDRB = await freePodCIDR();
    const gatewayB = podCIDRB.replace(/\.0\/24$/, '.1/24');
    dockerB = await startDockerd({ id, netns: ns.name, bip: gatewayB });
    // pause is left out on purpose: kubelet B builds it on its own dockerd.
    await loadImages(dockerB, [WEB, BUSYBOX]);

    api = await startApiserver({ extraArgs: ['--tls-san', bridge.gateway] });
    fwd = await forwardApiserver(api, bridge.gateway);
    kA = await startKubelet(api, { nodeName: nodeA, nodeIp: bridge.gateway, podCIDR: podCIDRA, podRoutes: true });
    kB = await startKubelet(api, {
      nodeName: nodeB, nodeIp: ns.address, podCIDR: podCIDRB, podRoutes: true, netns: ns.name, dockerHost: dockerB.host,
      server: `https://${bridge.gateway}:${fwd.port}`,
    });

    // Routes: A routes B's podCIDR via B's address and vice versa, tagged with each node's metric.
    await waitFor('route to B on the host', async () =>
      routesOf(await podRoutes(), nodeA).some((r) => r.dst === podCIDRB && r.gateway === ns!.address), 20_000, 200);
    await waitFor('route to A in the namespace', async () =>
      routesOf(await podRoutes(ns), nodeB).some((r) => r.dst === podCIDRA && r.gateway === bridge!.gateway), 20_000, 200);
    assert.deepEqual(routesOf(await podRoutes(), nodeA).map((r) => r.dst), [podCIDRB], 'A has no route to its own podCIDR');

    const c = client();
    try {
      await c.create(podsInfo, 'default', peerEchoPod('web-a', nodeA));
      await c.create(podsInfo, 'default', peerEchoPod('web-b', nodeB));
      const podA = await waitPod(c, 'web-a', 'running', isRunningReady, 60_000);
      const podB = await waitPod(c, 'web-b', 'running', isRunningReady, 60_000);
      const ipA = podA.status?.podIP ?? '';
      const ipB = podB.status?.podIP ?? '';
      assert.ok(ipA.startsWith(podCIDRA.split('.').slice(0, 3).join('.') + '.'), `pod A IP ${ipA} in ${podCIDRA}`);
      assert.ok(ipB.startsWith(podCIDRB.split('.').slice(0, 3).join('.') + '.'), `pod B IP ${ipB} in ${podCIDRB}`);

      // B → A: the answer comes from A's pod (its hostname) and A saw B's pod IP, not a node address.
      const index = await waitFor('B fetches A', () => getFromPod(dockerB!.host, 'web-b', { ip: ipA, path: '/' }).then((o) => o.includes('200 OK') && o), 20_000, 300);
      assert.match(index, /200 OK/);
      const seenByA = await getFromPod(dockerB.host, 'web-b', { ip: ipA, path: '/cgi-bin/peer' });
      assert.match(seenByA, new RegExp(`peer=(\\[::ffff:)?${ipB.replace(/\./g, '\\.')}\\]?\\s*$`), `A saw: ${seenByA}`);
      // A → B.
      const seenByB = await waitFor('A fetches B', () => getFromPod('unix:///var/run/docker.sock', 'web-a', { ip: ipB, path: '/cgi-bin/peer' }).then((o) => o.includes('peer=') && o), 20_000, 300);
      assert.match(seenByB, new RegExp(`peer=(\\[::ffff:)?${ipA.replace(/\./g, '\\.')}\\]?\\s*$`), `B saw: ${seenByB}`);

      // The kubelet-owned chains exist on both hosts.
      assert.ok((await iptablesSave()).includes(`-A POSTROUTING -m comment --comment "kubelite pod network ${nodeA}" -j ${chainNames(nodeA).nat}`));
      assert.ok((await iptablesSave(ns)).includes(`-j ${chainNames(nodeB).filter}`));

      // Node B goes away: A drops its route (B's kubelet is stopped first so it does not register again).
      await kB.stop();
      await c.delete(nodesInfo, undefined, nodeB);
      await waitFor('route to B removed on the host', async () => routesOf(await podRoutes(), nodeA).length === 0, 20_000, 200);
      // Route changes are logged with node, cidr and next hop.
      const logA = (await readFile(kA.logFile, 'utf8')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const change = (msg: string) => logA.find((l) => l.msg === msg && l.cidr === podCIDRB);
      assert.deepEqual([change('pod route added')?.node, change('pod route added')?.via], [nodeB, ns.address]);
      assert.deepEqual([change('pod route removed')?.node, change('pod route removed')?.via], [nodeB, ns.address]);
    } finally {
      c.close();
    }

    // --cleanup removes what each kubelet installed, on its host.
    await kA.stop();
    const cleanA = await run(process.execPath, [KUBELITE, 'kubelet', '--cleanup', '--node-name', nodeA]);
    assert.equal(cleanA.code, 0, cleanA.stderr);
    const cleanB = await run('nsenter', [`--net=${ns.path}`, process.execPath, KUBELITE, 'kubelet', '--cleanup', '--node-name', nodeB]);
    assert.equal(cleanB.code, 0, cleanB.stderr);
    assert.deepEqual(routesOf(await podRoutes(ns), nodeB), [], 'namespace route to A removed by --cleanup');
    for (const [save, name] of [[await iptablesSave(), nodeA], [await iptablesSave(ns), nodeB]] as const) {
      const { nat, filter } = chainNames(name);
      assert.ok(!save.includes(nat) && !save.includes(filter), `chains of ${name} removed`);
    }
  } catch (e) {
    for (const k of [kA, kB]) if (k) console.error(`--- ${k.nodeName} log tail\n${(await readFile(k.logFile, 'utf8').catch(() => '')).split('\n').slice(-40).join('\n')}`);
    throw e;
  } finally {
    await kA?.cleanup().catch(() => undefined);
    await kB?.cleanup().catch(() => undefined);
    await dockerB?.stop().catch(() => undefined);
    await ns?.cleanup().catch(() => undefined);
    await bridge?.cleanup().catch(() => undefined);
    await new Promise<void>((res) => (fwd ? fwd.server.close(() => res()) : res()));
    await api?.stop().catch(() => undefined);
    if (api) await removeDir(api.dataDir);
  }

  // Nothing the test created is left behind.
  assert.ok(bridge && ns && dockerB);
  const links = (await run('ip', ['-o', 'link'])).stdout;
  assert.ok(!links.includes(bridge.name) && !links.includes(ns.hostVeth), 'bridge and veth removed');
  assert.ok(!(await run('ip', ['netns', 'list'])).stdout.includes(ns.name), 'netns removed');
  assert.ok(!existsSync(dockerB.dir), 'dockerd B data removed');
  assert.ok(!(await run('pgrep', ['-f', dockerB.dir])).stdout.trim(), 'dockerd B and its containerd stopped');
  const save = await iptablesSave();
  for (const name of [nodeA, nodeB]) assert.ok(!save.includes(chainNames(name).nat) && !save.includes(chainNames(name).filter));
  assert.ok(!save.includes(`-i ${bridge.name} -o ${bridge.name}`), 'bridge forwarding rule removed');
  assert.deepEqual((await podRoutes()).filter((r) => r.gateway === ns!.address), []);
  assert.equal((await run('docker', ['ps', '-aq', '--filter', `label=io.kubelite.node=${nodeA}`])).stdout.trim(), '');
});
