// Issue 7, multi-host bootstrap on this one machine: `kubelite init --no-systemd`
// on the host (advertising an address on a bridge the test creates), and a worker
// in a network namespace with a dockerd of its own that runs `kubelite join
// --no-systemd`. Both nodes turn Ready, the control plane is tainted so a pod
// lands on the worker, a join with a wrong token or CA hash fails with its
// one-line message, a second `kubelite start` is a no-op, and `kubelite reset`
// on both hosts leaves no process, container, rule, route or data behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Node, Pod } from '../../api/types/index.js';
import { chainNames } from '../../kubelet/pod-network-rules.js';
import { hostNames } from '../../cli/up/names.js';
import { freePort, KUBELITE, Kubectl, removeDir, run, tempDir, waitFor, type RunResult } from './harness.js';
import { createHostBridge, createNetns, loadImages, startDockerd, type ExtraDockerd, type HostBridge, type Netns } from './extra-dockerd.js';
import { freeSubnet } from './net-harness.js';
import { BUSYBOX, ensureImages } from './kubelet-harness.js';

const kubelite = (args: string[], timeoutMs = 240_000): Promise<RunResult> => run(process.execPath, [KUBELITE, ...args], { timeoutMs });
const inNetns = (ns: Netns, args: string[], timeoutMs = 240_000): Promise<RunResult> =>
  run('nsenter', [`--net=${ns.path}`, process.execPath, KUBELITE, ...args], { timeoutMs });

/** A /23 in 10.244.0.0/16 (two nodes' /24s) that no route, address or Docker network uses. */
async function freePodNetwork(): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const x = (await freeSubnet('10.244', 20, 250)) & ~1;
    const ok = await freeSubnet('10.244', x, x + 1).then(() => freeSubnet('10.244', x + 1, x + 2)).then(() => true, () => false);
    if (ok) return `10.244.${x}.0/23`;
  }
  throw new Error('no free 10.244.x.0/23');
}

/** Processes whose command line mentions `dir` (our components, supervisor, dockerd). */
async function processesMentioning(dir: string): Promise<string[]> {
  const r = await run('pgrep', ['-af', dir]);
  return r.stdout.split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
}

test('init on the host, join from a network namespace, taint, bad joins refused, reset leaves nothing', { timeout: 420_000 }, async () => {
  await ensureImages();
  const id = randomBytes(3).toString('hex');
  const cluster = `e2e-init-${id}`;
  const cpName = `e2e-cp-${id}`;
  const workerName = `e2e-w-${id}`;
  const work = await tempDir(`init-join-${id}`);
  const cpDir = join(work, 'cp');
  const wDir = join(work, 'w');
  let bridge: HostBridge | undefined;
  let ns: Netns | undefined;
  let dockerW: ExtraDockerd | undefined;
  let kubectl: Kubectl | undefined;
  let resetW: RunResult | undefined;
  let resetCP: RunResult | undefined;
  let leftovers: Record<string, unknown> = {};
  const dumpLogs = async () => {
    for (const dir of [cpDir, wDir]) {
      for (const c of ['supervisor', 'apiserver', 'controller-manager', 'kubelet', 'proxy']) {
        const text = await readFile(join(dir, 'logs', `${c}.log`), 'utf8').catch(() => '');
        if (text) console.error(`--- ${dir} ${c}.log tail\n${text.split('\n').slice(-25).join('\n')}`);
      }
    }
  };
  try {
    bridge = await createHostBridge({ id: cluster });
    ns = await createNetns({ id: cluster, bridge });
    dockerW = await startDockerd({ id: cluster, netns: ns.name });
    await loadImages(dockerW, [BUSYBOX]);
    const podNetwork = await freePodNetwork();
    const serviceCIDR = `10.96.${await freeSubnet('10.96', 100, 250)}.0/24`;
    const port = await freePort();

    // ---- init
    const init = await kubelite([
      'init', '--no-systemd', '--advertise-address', bridge.gateway, '--apiserver-port', String(port), '--data-dir', cpDir,
      '--cluster-name', cluster, '--node-name', cpName, '--pod-network-cidr', podNetwork, '--service-cidr', serviceCIDR,
      '--kubelet-port', String(await freePort()), '--dns-port', String(await freePort()), '--proxy-metrics-port', '0',
      '--dns-metrics-port', '0', '--token-ttl', '1h', '--timeout', '150s',
    ]);
    assert.equal(init.code, 0, `init failed:\n${init.stdout}\n${init.stderr}`);
    const lines = init.stdout.trimEnd().split('\n');
    const joinLine = lines[lines.length - 1];
    const m = /^kubelite join (\S+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})$/.exec(joinLine);
    assert.ok(m, `last line is the join command: ${joinLine}`);
    const [, endpoint, token, hash] = m;
    assert.equal(endpoint, `${bridge.gateway}:${port}`);
    assert.equal((await readFile(join(cpDir, 'join-command'), 'utf8')).trim(), joinLine);
    kubectl = await Kubectl.create(join(cpDir, 'admin.kubeconfig'));

    // a second init on the same data dir is refused in one line
    const again = await kubelite(['init', '--no-systemd', '--advertise-address', bridge.gateway, '--data-dir', cpDir, '--cluster-name', cluster]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^kubelite init: .* is already initialised .*kubelite reset --data-dir/);

    // ---- bad joins: wrong CA hash, wrong token (nothing is written)
    const joinFlags = ['--no-systemd', '--node-name', workerName, '--node-ip', ns.address, '--data-dir', wDir, '--docker-host', dockerW.host,
      '--timeout', '120s'];
    const otherHash = `sha256:${'0'.repeat(64)}`;
    const badHash = await inNetns(ns, ['join', endpoint, '--token', token, '--discovery-token-ca-cert-hash', otherHash, ...joinFlags]);
    assert.equal(badHash.code, 1);
    assert.equal(badHash.stderr, `kubelite join: the cluster CA's hash ${hash} does not match --discovery-token-ca-cert-hash ${otherHash}\n`);
    // the right token id with another secret
    const wrongToken = `${token.slice(0, 7)}${token.endsWith('0000000000000000') ? '1'.repeat(16) : '0'.repeat(16)}`;
    const badToken = await inNetns(ns, ['join', endpoint, '--token', wrongToken, '--discovery-token-ca-cert-hash', hash, ...joinFlags]);
    assert.equal(badToken.code, 1);
    assert.equal(badToken.stderr, 'kubelite join: the bootstrap token was refused by the apiserver (401 Unauthorized): it is wrong, expired or deleted\n');
    assert.ok(!existsSync(wDir), 'a refused join leaves no data dir');

    // ---- join
    const joined = await inNetns(ns, ['join', endpoint, '--token', token, '--discovery-token-ca-cert-hash', hash, ...joinFlags]);
    assert.equal(joined.code, 0, `join failed:\n${joined.stdout}\n${joined.stderr}`);
    assert.match(joined.stdout, new RegExp(`This node \\(${workerName}, ${ns.address.replace(/\./g, '\\.')}\\) has joined`));

    const nodes = JSON.parse(await kubectl.ok(['get', 'nodes', '-o', 'json'])) as { items: Node[] };
    const byName = new Map(nodes.items.map((n) => [n.metadata.name, n]));
    const ready = (n?: Node) => n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    assert.ok(ready(byName.get(cpName)) && ready(byName.get(workerName)), `both nodes Ready: ${[...byName.keys()].join(', ')}`);
    const cp = byName.get(cpName)!;
    assert.deepEqual(cp.spec?.taints?.map((t) => `${t.key}:${t.effect}`), ['node-role.kubernetes.io/control-plane:NoSchedule']);
    assert.equal(cp.metadata.labels?.['node-role.kubernetes.io/control-plane'], '');
    assert.equal(byName.get(workerName)!.spec?.taints?.length ?? 0, 0);
    assert.equal(byName.get(workerName)!.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, ns.address);
    assert.match(await kubectl.ok(['get', 'nodes']), new RegExp(`${cpName}\\s+Ready\\s+control-plane`));

    // the joined node's credentials are its own client certificate, issued through a CSR
    const kc = await readFile(join(wDir, 'kubelet.kubeconfig'), 'utf8');
    assert.match(kc, new RegExp(`name: system:node:${workerName}`));
    assert.doesNotMatch(kc, new RegExp(token), 'the bootstrap token is not kept');
    const csrs = await kubectl.ok(['get', 'csr', '-o', 'json']);
    assert.ok((JSON.parse(csrs) as { items: Array<{ spec: { username: string; signerName: string } }> }).items.some((c) =>
      c.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && c.spec.username === `system:bootstrap:${token.slice(0, 6)}`), 'CSR made with the bootstrap token');

    // the control plane is tainted: an ordinary pod lands on the worker and runs there
    await kubectl.ok(['run', 'on-worker', `--image=${BUSYBOX}`, '--image-pull-policy=Never', '--restart=Never', '--overrides',
      JSON.stringify({ spec: { terminationGracePeriodSeconds: 1 } }), '--', 'sleep', '3600']);
    const pod = await waitFor('pod on-worker Running', async () => {
      const p = JSON.parse(await kubectl!.ok(['get', 'pod', 'on-worker', '-o', 'json'])) as Pod;
      return p.status?.phase === 'Running' && p;
    }, 90_000, 500);
    assert.equal(pod.spec?.nodeName, workerName);
    // exec goes apiserver → the worker's kubelet, whose serving certificate the join got signed by the cluster CA
    assert.match(joined.stdout, /✓ kubelet serving certificate\s+\d/);
    assert.equal((await kubectl.ok(['exec', 'on-worker', '--', 'echo', 'hi from the worker'])).trim(), 'hi from the worker');
    await kubectl.ok(['delete', 'pod', 'on-worker', '--wait=false']);

    // start is idempotent
    const second = await inNetns(ns, ['start', '--data-dir', wDir, '--detach']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already running/);
  } catch (e) {
    await dumpLogs();
    throw e;
  } finally {
    // ---- reset both (the worker's inside its namespace, where its routes and rules are)
    resetW = ns ? await inNetns(ns, ['reset', '--data-dir', wDir, '--force'], 120_000) : undefined;
    resetCP = await kubelite(['reset', '--data-dir', cpDir, '--force'], 120_000);
    await kubectl?.cleanup();
    leftovers = {
      cpProcs: await processesMentioning(cpDir),
      wProcs: await processesMentioning(wDir),
      cpContainers: (await run('docker', ['ps', '-aq', '--filter', `label=io.kubelite.node=${cpName}`])).stdout.trim(),
      wContainers: dockerW ? (await run('docker', ['-H', dockerW.host, 'ps', '-aq', '--filter', `label=io.kubelite.node=${workerName}`])).stdout.trim() : '',
      hostNft: (await run('nft', ['list', 'tables'])).stdout.includes(hostNames(cluster).nftTable),
      nsNft: ns ? (await ns.exec('nft', ['list', 'tables']).catch(() => '')).includes(hostNames(cluster).nftTable) : false,
      hostChains: (await run('iptables-save', [])).stdout.includes(chainNames(cpName).nat),
      hostRoutes: ns ? (await run('ip', ['-4', 'route'])).stdout.includes(`via ${ns.address}`) : false,
    };
    await dockerW?.stop().catch(() => undefined);
    await ns?.cleanup().catch(() => undefined);
    await bridge?.cleanup().catch(() => undefined);
    const dirsLeft = [cpDir, wDir].filter((d) => existsSync(d));
    leftovers.dataDirs = dirsLeft;
    await removeDir(work);
  }
  // checked once everything is cleaned up (and only when the steps above passed)
  assert.equal(resetW?.code, 0, `worker reset:\n${resetW?.stdout}\n${resetW?.stderr}`);
  assert.match(resetW?.stdout ?? '', /✓ supervisor and components \(stopped\)/);
  assert.equal(resetCP?.code, 0, `control-plane reset:\n${resetCP?.stdout}\n${resetCP?.stderr}`);
  assert.match(resetCP?.stdout ?? '', /✓ supervisor and components \(stopped\)/);
  assert.deepEqual(leftovers, {
    cpProcs: [], wProcs: [], cpContainers: '', wContainers: '', hostNft: false, nsNft: false, hostChains: false, hostRoutes: false, dataDirs: [],
  });
});
