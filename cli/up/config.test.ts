import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, type UpFlags } from './config.js';
import { componentSpecs, kubeletCleanupArgs, proxyCleanupArgs } from './components.js';

const flags: UpFlags = {
  clusterName: 'kubelite', dataDir: '/data', nodeName: 'host-1', port: 6443, serviceCidr: '10.96.0.0/12',
  clusterCidr: '10.244.0.0/16', serviceNodePortRange: '30000-32767', dnsPort: 10053, clusterDomain: 'cluster.local',
  proxyMode: 'nftables', kubeletPort: 10250, proxyMetricsPort: 10249, dnsMetricsPort: 9153, kubeconfigMerge: true, kubeconfigPath: '/root/.kube/config',
};

test('defaults: node IP from the machine, LB pool = node IP, DNS at .10 of the service range', () => {
  const c = resolveConfig(flags, '192.0.2.2');
  assert.equal(c.nodeIP, '192.0.2.2');
  assert.equal(c.loadBalancerIPPool, '192.0.2.2');
  assert.equal(c.dnsServiceIP, '10.96.0.10');
  assert.equal(c.nodeCIDRMaskSize, 24);
  assert.equal(c.kubeconfigPath, '/root/.kube/config');
  assert.equal(c.names.nftTable, 'kubelite');
  assert.equal(resolveConfig({ ...flags, kubeconfigMerge: false }, '192.0.2.2').kubeconfigPath, undefined);
});

test('a test cluster: its own bridge address, service /24, one-node pod range', () => {
  const c = resolveConfig({ ...flags, clusterName: 't1', nodeIp: '10.250.7.1', serviceCidr: '10.96.201.0/24', clusterCidr: '10.244.77.0/24',
    loadBalancerIpPool: '127.0.0.1', nodeportAddresses: '127.0.0.0/8, 10.250.7.0/24' }, '192.0.2.2');
  assert.equal(c.nodeIP, '10.250.7.1');
  assert.equal(c.dnsServiceIP, '10.96.201.10');
  assert.equal(c.loadBalancerIPPool, '127.0.0.1');
  assert.deepEqual(c.nodePortAddresses, ['127.0.0.0/8', '10.250.7.0/24']);
  assert.equal(c.nodeCIDRMaskSize, 24);
});

test('bad flags are named in the error', () => {
  assert.throws(() => resolveConfig(flags, undefined), /--node-ip/);
  assert.throws(() => resolveConfig({ ...flags, nodeIp: '10.0.0' }, undefined), /--node-ip/);
  assert.throws(() => resolveConfig({ ...flags, nodeName: 'My_Host' }, '10.0.0.1'), /--node-name/);
  assert.throws(() => resolveConfig({ ...flags, serviceCidr: '10.244.0.0/20' }, '10.0.0.1'), /overlaps/);
  assert.throws(() => resolveConfig({ ...flags, nodeIp: '10.244.3.3' }, undefined), /inside the pod or service range/);
  assert.throws(() => resolveConfig({ ...flags, port: 70000 }, '10.0.0.1'), /--port/);
  assert.throws(() => resolveConfig({ ...flags, proxyMode: 'userspace' }, '10.0.0.1'), /--proxy-mode/);
  assert.throws(() => resolveConfig({ ...flags, nodeportAddresses: 'lo' }, '10.0.0.1'), /--nodeport-addresses/);
  assert.throws(() => resolveConfig({ ...flags, clusterName: 'Bad' }, '10.0.0.1'), /--cluster-name/);
});

function argsOf(name: string, c = resolveConfig(flags, '192.0.2.2')): string[] {
  return componentSpecs(c).find((s) => s.name === name)!.args;
}

function flag(args: string[], f: string): string | undefined {
  const i = args.indexOf(f);
  return i < 0 ? undefined : args[i + 1];
}

test('components: apiserver first, every one with its log file and credentials', () => {
  const c = resolveConfig(flags, '192.0.2.2');
  const specs = componentSpecs(c);
  assert.deepEqual(specs.map((s) => s.name), ['apiserver', 'controller-manager', 'scheduler', 'dns', 'proxy', 'kubelet']);
  for (const s of specs) {
    assert.equal(s.logFile, `/data/logs/${s.name}.log`);
    assert.equal(s.args[0], s.name);
    if (s.name !== 'apiserver') assert.equal(flag(s.args, '--kubeconfig'), `/data/pki/${s.name}.kubeconfig`);
  }
  const api = argsOf('apiserver');
  assert.equal(flag(api, '--data-dir'), '/data');
  assert.equal(flag(api, '--advertise-address'), '192.0.2.2');
  assert.equal(flag(api, '--service-cluster-ip-range'), '10.96.0.0/12');
});

test('the components agree on the cluster addresses', () => {
  const c = resolveConfig({ ...flags, clusterName: 't2', nodeIp: '10.250.9.1', serviceCidr: '10.96.33.0/24', clusterCidr: '10.244.9.0/24', dnsPort: 15353 }, undefined);
  const kubelet = argsOf('kubelet', c);
  const dns = argsOf('dns', c);
  const proxy = argsOf('proxy', c);
  const cm = argsOf('controller-manager', c);
  assert.equal(flag(kubelet, '--cluster-dns'), '10.96.33.10');
  assert.equal(flag(dns, '--service-ip'), '10.96.33.10');
  assert.equal(flag(dns, '--listen'), '10.250.9.1:15353');
  assert.equal(flag(dns, '--advertise-address'), '10.250.9.1');
  assert.equal(flag(kubelet, '--node-ip'), '10.250.9.1');
  for (const a of [kubelet, proxy, cm]) assert.equal(flag(a, '--cluster-cidr'), '10.244.9.0/24');
  assert.equal(flag(cm, '--node-cidr-mask-size'), '24');
  assert.equal(flag(proxy, '--service-cidr'), '10.96.33.0/24');
  assert.equal(flag(proxy, '--load-balancer-ip-pool'), '10.250.9.1');
  assert.equal(flag(proxy, '--table-name'), c.names.nftTable);
  assert.equal(flag(proxy, '--chain-prefix'), c.names.chainPrefix);
  // cleanup uses exactly the names the proxy ran with
  const cleanup = proxyCleanupArgs(c);
  for (const f of ['--table-name', '--chain-prefix', '--service-bridge', '--ipvs-bridge', '--service-cidr']) assert.equal(flag(cleanup, f), flag(proxy, f), f);
  assert.deepEqual(kubeletCleanupArgs(c), ['kubelet', '--cleanup', '--node-name', 'host-1', '--cluster-cidr', '10.244.9.0/24']);
});

test('metrics endpoints on loopback, off with port 0', () => {
  assert.equal(flag(argsOf('proxy'), '--metrics-bind-address'), '127.0.0.1:10249');
  assert.equal(flag(argsOf('dns'), '--health-bind-address'), '127.0.0.1:9153');
  const off = resolveConfig({ ...flags, proxyMetricsPort: 0, dnsMetricsPort: 0 }, '192.0.2.2');
  assert.equal(flag(argsOf('proxy', off), '--metrics-bind-address'), '');
  assert.equal(flag(argsOf('dns', off), '--health-bind-address'), '');
});
