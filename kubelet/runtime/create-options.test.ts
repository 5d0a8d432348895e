import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types/index.js';
import { renderContainerOptions, renderSandboxOptions, resourceSettings } from './create-options.js';
import { containerSpecHash } from '../hash.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u-1' },
  spec: {
    terminationGracePeriodSeconds: 5,
    containers: [{ name: 'app', image: 'busybox', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }] }],
    securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
  },
};

test("sandbox on the kubelet's bridge: network none, the allocated IP as a label, no Docker port publishing", () => {
  const o = renderSandboxOptions({ pod, nodeName: 'n1', attempt: 0, image: 'kubelite.local/pause:3.9', networkMode: 'none', podIP: '10.244.3.7', hostname: 'web' });
  assert.equal(o.HostConfig!.NetworkMode, 'none');
  assert.equal(o.Labels!['io.kubelite.pod.ip'], '10.244.3.7');
  assert.equal(o.HostConfig!.PortBindings, undefined);
  assert.equal(o.ExposedPorts, undefined);
  assert.equal(o.Hostname, 'web');
});

test("sandbox on dockerd's bridge: shareable IPC, hostname, hostPorts published by Docker, labels", () => {
  const o = renderSandboxOptions({ pod, nodeName: 'n1', attempt: 0, image: 'kubelite.local/pause:3.9', networkMode: 'bridge', hostname: 'web' });
  assert.equal(o.name, 'k8s_POD_web_default_u-1_0');
  assert.equal(o.Hostname, 'web');
  assert.equal(o.HostConfig!.NetworkMode, 'bridge');
  assert.equal(o.Labels!['io.kubelite.pod.ip'], undefined);
  assert.equal(o.HostConfig!.IpcMode, 'shareable');
  assert.deepEqual(o.HostConfig!.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '5353' }] });
  assert.deepEqual(o.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(o.HostConfig!.Sysctls, { 'net.ipv4.ip_unprivileged_port_start': '0' });
  assert.equal(o.Labels!['io.kubernetes.container.name'], 'POD');
  assert.equal(o.Labels!['io.kubelite.node'], 'n1');
  assert.equal(o.Labels!['io.kubernetes.pod.uid'], 'u-1');
});

test('container: command → Entrypoint (drops image CMD), args → Cmd, joins the sandbox, security and resources', () => {
  const c = {
    name: 'app', image: 'busybox', command: ['sh', '-c'], workingDir: '/w',
    resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } },
    securityContext: { runAsUser: 1000, runAsGroup: 2000, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, allowPrivilegeEscalation: false },
  };
  const o = renderContainerOptions({
    pod, container: c, type: 'app', nodeName: 'n1', attempt: 3, backoffStep: 2, specHash: containerSpecHash(c), sandboxId: 'abc',
    image: 'busybox', env: new Map([['A', '1']]), command: c.command, mounts: [], qosClass: 'Burstable', nodeMemoryBytes: 1024 * 1024 * 1024,
  });
  assert.deepEqual(o.Entrypoint, ['sh', '-c']);
  assert.deepEqual(o.Cmd, []);
  assert.deepEqual(o.Env, ['A=1']);
  assert.equal(o.User, '1000:2000');
  assert.equal(o.WorkingDir, '/w');
  const h = o.HostConfig!;
  assert.equal(h.NetworkMode, 'container:abc');
  assert.equal(h.IpcMode, 'container:abc');
  assert.equal(h.ReadonlyRootfs, true);
  assert.deepEqual(h.CapAdd, ['NET_ADMIN']);
  assert.deepEqual(h.CapDrop, ['ALL']);
  assert.deepEqual(h.SecurityOpt, ['no-new-privileges']);
  assert.equal(h.CpuShares, 256);
  assert.equal(h.CpuQuota, 50_000);
  assert.equal(h.CpuPeriod, 100_000);
  assert.equal(h.Memory, 64 * 1024 * 1024);
  assert.equal(h.OomScoreAdj, 969);
  assert.equal(o.Labels!['io.kubernetes.container.restartCount'], '3');
  assert.equal(o.Labels!['io.kubelite.container.backoffStep'], '2');
  assert.equal(o.name, 'k8s_app_web_default_u-1_3');
});

test('args alone keep the image entrypoint; no command or args keeps both', () => {
  const base = { pod, type: 'app' as const, nodeName: 'n', attempt: 0, backoffStep: -1, specHash: 'h', sandboxId: 's', image: 'i', env: new Map(), mounts: [] };
  const a = renderContainerOptions({ ...base, container: { name: 'a' }, args: ['x'] });
  assert.equal(a.Entrypoint, undefined);
  assert.deepEqual(a.Cmd, ['x']);
  const b = renderContainerOptions({ ...base, container: { name: 'a' } });
  assert.equal(b.Entrypoint, undefined);
  assert.equal(b.Cmd, undefined);
});

test('resources: BestEffort gets minimum shares, requests default from limits', () => {
  assert.deepEqual(resourceSettings({ name: 'a' }, 'BestEffort'), { CpuShares: 2, OomScoreAdj: 1000 });
  assert.equal(resourceSettings({ name: 'a', resources: { limits: { cpu: '2' } } }).CpuShares, 2048);
  assert.equal(resourceSettings({ name: 'a', resources: { limits: { cpu: '1m' } } }).CpuQuota, 1000);
});

test('spec hash is stable under key order', () => {
  assert.equal(containerSpecHash({ name: 'a', image: 'b' }), containerSpecHash({ image: 'b', name: 'a' }));
  assert.notEqual(containerSpecHash({ name: 'a', image: 'b' }), containerSpecHash({ name: 'a', image: 'c' }));
});
