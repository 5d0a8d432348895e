import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cannotEnsureReason } from './docker.js';
import { Progress, stepLine } from './progress.js';
import { mountsUnder } from './purge.js';
import { nodeReadiness } from './readiness.js';

test('docker: what to tell the user when we cannot install or start it ourselves', () => {
  const base = { haveDockerd: true, haveAptGet: true, isRoot: true, haveScript: true };
  assert.equal(cannotEnsureReason(base), undefined);
  assert.equal(cannotEnsureReason({ ...base, haveDockerd: false }), undefined, 'root on Debian: the script installs it');
  assert.match(cannotEnsureReason({ ...base, haveDockerd: false, haveAptGet: false })!, /not a Debian\/Ubuntu machine/);
  assert.match(cannotEnsureReason({ ...base, isRoot: false })!, /needs root: run `sudo dockerd/);
  assert.match(cannotEnsureReason({ ...base, isRoot: false, haveDockerd: false })!, /apt-get install docker.io/);
});

test('progress: one line per step with the time since up started (not a terminal)', () => {
  let t = 1000;
  let out = '';
  const p = new Progress({ write: (s: string) => (out += s), isTTY: false }, 1000, () => t);
  const s = p.step('apiserver');
  t = 2300;
  s.done('apiserver https://127.0.0.1:6443');
  const n = p.step('node x Ready');
  t = 5000;
  n.fail('timed out');
  assert.equal(out, [
    stepLine('…', 'apiserver', 0),
    stepLine('✓', 'apiserver https://127.0.0.1:6443', 1300),
    stepLine('…', 'node x Ready', 1300),
    stepLine('✗', 'node x Ready: timed out', 4000),
    '',
  ].join('\n'));
  assert.match(stepLine('✓', 'a', 1300), /^ {2}✓ a +1\.3s$/);
});

test('progress on a terminal: the waiting line is rewritten, done lines stay', () => {
  let out = '';
  const p = new Progress({ write: (s: string) => (out += s), isTTY: true }, 0, () => 0);
  const s = p.step('waiting');
  s.update('waiting (not registered yet)');
  s.done('done');
  p.close();
  assert.ok(out.startsWith('\r\x1b[K'));
  assert.ok(out.endsWith(`\r\x1b[K${stepLine('✓', 'done', 0)}\n`));
});

test('purge unmounts what is under the data dir, deepest first, and nothing else', () => {
  const mounts = [
    'tmpfs /data/kubelet/pods/u1/volumes/a tmpfs rw 0 0',
    'tmpfs /data/kubelet/pods/u1/volumes/a/b tmpfs rw 0 0',
    'tmpfs /data2/x tmpfs rw 0 0',
    'tmpfs /data/with\\040space tmpfs rw 0 0',
    '/dev/sda1 / ext4 rw 0 0',
  ].join('\n');
  assert.deepEqual(mountsUnder(mounts, '/data'), ['/data/kubelet/pods/u1/volumes/a/b', '/data/kubelet/pods/u1/volumes/a', '/data/with space']);
});

test('node readiness explains what is missing', () => {
  assert.deepEqual(nodeReadiness(undefined), { ready: false, why: 'not registered yet' });
  assert.equal(nodeReadiness({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as never).ready, true);
  assert.equal(nodeReadiness({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'docker down' }] } } as never).why, 'KubeletNotReady: docker down');
});

test('ports: a port in use is named with the flag that moves it', async () => {
  const { createServer } = await import('node:net');
  const { checkPortsFree, clusterPorts } = await import('./ports.js');
  const { resolveConfig } = await import('./config.js');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const busy = (srv.address() as { port: number }).port;
  try {
    const cfg = resolveConfig({
      clusterName: 'p', dataDir: '/d', nodeName: 'n', nodeIp: '127.0.0.1', port: 6443, serviceCidr: '10.96.0.0/12', clusterCidr: '10.244.0.0/16',
      serviceNodePortRange: '30000-32767', dnsPort: 1, clusterDomain: 'cluster.local', proxyMode: 'nftables', kubeletPort: 1,
      proxyMetricsPort: busy, dnsMetricsPort: 0, kubeconfigMerge: false, kubeconfigPath: '/x',
    }, undefined);
    assert.deepEqual(clusterPorts(cfg).map((p) => `${p.proto}/${p.port}/${p.flag}`), ['tcp/6443/--port', 'tcp/1/--kubelet-port', 'tcp/1/--dns-port', 'udp/1/--dns-port', `tcp/${busy}/--proxy-metrics-port`]);
    await assert.rejects(checkPortsFree({ ...cfg, apiserverPort: 0, kubeletPort: 0, dnsPort: 0 }), new RegExp(`tcp 127\\.0\\.0\\.1:${busy} \\(--proxy-metrics-port\\)`));
    await checkPortsFree({ ...cfg, apiserverPort: 0, kubeletPort: 0, dnsPort: 0, proxyMetricsPort: 0 });
  } finally {
    srv.close();
  }
});
