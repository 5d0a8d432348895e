import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planInit, type InitFlags } from './plan.js';

const flags: InitFlags = {
  advertiseAddress: '192.168.1.10', podNetworkCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', dataDir: '/var/lib/kubelite',
  nodeName: 'cp', apiserverPort: 6443, systemd: true, scheduleOnControlPlane: false, clusterName: 'kubelite',
  dockerHost: 'unix:///var/run/docker.sock', kubeletPort: 10250, dnsPort: 10053, proxyMetricsPort: 10249, dnsMetricsPort: 9153, proxyMode: 'nftables',
};

const argsOf = (p: ReturnType<typeof planInit>, name: string) => p.host.components.find((c) => c.name === name)!.args;
const flagValue = (args: string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

test('init runs the whole control plane in order, apiserver first, advertising the given address', () => {
  const p = planInit(flags, '10.0.0.5');
  assert.deepEqual(p.host.components.map((c) => c.name), ['apiserver', 'controller-manager', 'scheduler', 'dns', 'proxy', 'kubelet']);
  assert.equal(p.host.server, 'https://192.168.1.10:6443');
  assert.equal(p.host.role, 'control-plane');
  assert.equal(flagValue(argsOf(p, 'apiserver'), '--advertise-address'), '192.168.1.10');
  assert.equal(flagValue(argsOf(p, 'apiserver'), '--service-cluster-ip-range'), '10.96.0.0/12');
  assert.equal(flagValue(argsOf(p, 'dns'), '--advertise-address'), '192.168.1.10');
  assert.equal(p.cfg.dnsServiceIP, '10.96.0.10');
});

test('the controller-manager signs CSRs with the cluster CA and allocates podCIDRs from --pod-network-cidr', () => {
  const cm = argsOf(planInit(flags, undefined), 'controller-manager');
  assert.equal(flagValue(cm, '--cluster-signing-cert-file'), '/var/lib/kubelite/pki/ca.crt');
  assert.equal(flagValue(cm, '--cluster-signing-key-file'), '/var/lib/kubelite/pki/ca.key');
  assert.equal(flagValue(cm, '--cluster-cidr'), '10.244.0.0/16');
});

test('the control-plane kubelet registers tainted NoSchedule unless --schedule-on-control-plane; it does not label itself', () => {
  const k = argsOf(planInit(flags, undefined), 'kubelet');
  assert.equal(flagValue(k, '--register-with-taints'), 'node-role.kubernetes.io/control-plane:NoSchedule');
  assert.equal(flagValue(k, '--docker-host'), 'unix:///var/run/docker.sock');
  // node-role labels are the administrator's (NodeRestriction): init sets it with the admin credentials
  assert.equal(k.includes('--node-labels'), false);
  const open = argsOf(planInit({ ...flags, scheduleOnControlPlane: true }, undefined), 'kubelet');
  assert.equal(open.includes('--register-with-taints'), false);
  assert.equal(open.includes('--node-labels'), false);
});

test('the advertise address defaults to the default-route address; errors name init\'s flags', () => {
  assert.equal(planInit({ ...flags, advertiseAddress: undefined }, '10.0.0.5').host.server, 'https://10.0.0.5:6443');
  assert.throws(() => planInit({ ...flags, advertiseAddress: undefined }, undefined), /--advertise-address/);
  assert.throws(() => planInit({ ...flags, advertiseAddress: '10.244.0.7' }, undefined), /--advertise-address 10\.244\.0\.7 lies inside/);
  assert.throws(() => planInit({ ...flags, podNetworkCidr: '10.96.0.0/16' }, undefined), /overlaps --pod-network-cidr/);
  assert.throws(() => planInit({ ...flags, apiserverPort: 70000 }, undefined), /--apiserver-port must be a port/);
});
