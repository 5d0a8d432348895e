import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterSettings } from '../init/cluster-info.js';
import { planWorker, workerClusterConfig, type JoinFlags } from './plan.js';

const s: ClusterSettings = { clusterName: 'dev', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', proxyMode: 'iptables' };
const f: JoinFlags = { dataDir: '/d', nodeName: 'w1', nodeIp: '192.168.1.11', dockerHost: 'unix:///run/d.sock', kubeletPort: 10250, proxyMetricsPort: 0, systemd: false };
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

test('a worker runs proxy and kubelet with the node credentials and the cluster\'s settings', () => {
  const cfg = workerClusterConfig(f, s, undefined);
  const h = planWorker(f, 'https://192.168.1.10:6443', cfg, s, true);
  assert.deepEqual(h.components.map((c) => c.name), ['proxy', 'kubelet']);
  const [proxy, kubelet] = h.components.map((c) => c.args);
  assert.equal(flag(proxy, '--kubeconfig'), '/d/kubelet.kubeconfig');
  assert.equal(flag(kubelet, '--kubeconfig'), '/d/kubelet.kubeconfig');
  assert.equal(flag(proxy, '--mode'), 'iptables');
  assert.equal(flag(proxy, '--table-name'), 'kubelite-dev', 'host-level names follow the cluster name');
  assert.equal(flag(proxy, '--metrics-bind-address'), '');
  assert.equal(proxy.includes('--load-balancer-ip-pool'), false, 'only the control plane hands out LoadBalancer IPs');
  assert.equal(flag(kubelet, '--cluster-dns'), '10.96.0.10');
  assert.equal(flag(kubelet, '--docker-host'), 'unix:///run/d.sock');
  assert.equal(flag(kubelet, '--tls-cert-file'), '/d/pki/kubelet.crt');
  assert.equal(kubelet.includes('--register-with-taints'), false);
  assert.equal(h.cluster.nodeIP, '192.168.1.11');
});

test('without a signed serving certificate the kubelet gets no --tls-cert-file', () => {
  const h = planWorker(f, 'https://x:6443', workerClusterConfig(f, s, undefined), s, false);
  assert.equal(h.components[1].args.includes('--tls-cert-file'), false);
});
