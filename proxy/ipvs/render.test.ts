import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../model.js';
import { endpoints, lookup, service } from '../testdata.js';
import { buildIpvsPlan, parseIpvsSave, renderIpvsDelta, renderIpvsRestore, vipAddressCommands, type IpvsConfig } from './render.js';

const cfg: IpvsConfig = {
  scheduler: 'rr', nodeAddresses: ['127.0.0.1', '10.250.0.1'], vipBridge: 'kube-ipvs0', table: 'kubelite',
  clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', serviceBridge: 'kube-svc0', masqueradeMark: 0x4000,
};

function model() {
  const lb = service('lb', '10.96.0.11', { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30002 }] });
  lb.status = { loadBalancer: { ingress: [{ ip: '10.250.0.100' }] } };
  return buildModel([service('web', '10.96.0.10'), lb], lookup([endpoints('web', ['10.244.1.2', '10.244.1.3']), endpoints('lb', ['10.244.1.4'])]));
}

test('ipvsadm-restore input: a virtual service per VIP and per node address NodePort, masquerading real servers', () => {
  const plan = buildIpvsPlan(model(), cfg);
  assert.equal(renderIpvsRestore(plan), [
    '-A -t 10.96.0.10:80 -s rr',
    '-a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1',
    '-a -t 10.96.0.10:80 -r 10.244.1.3:8080 -m -w 1',
    '-A -t 10.96.0.11:80 -s rr -p 10800',
    '-a -t 10.96.0.11:80 -r 10.244.1.4:8080 -m -w 1',
    '-A -t 10.250.0.100:80 -s rr -p 10800',
    '-a -t 10.250.0.100:80 -r 10.244.1.4:8080 -m -w 1',
    '-A -t 127.0.0.1:30002 -s rr -p 10800',
    '-a -t 127.0.0.1:30002 -r 10.244.1.4:8080 -m -w 1',
    '-A -t 10.250.0.1:30002 -s rr -p 10800',
    '-a -t 10.250.0.1:30002 -r 10.244.1.4:8080 -m -w 1',
    '',
  ].join('\n'));
  assert.deepEqual(plan.addresses, ['10.250.0.100', '10.96.0.10', '10.96.0.11']);
  assert.ok(plan.sysctls.some(([k, v]) => k === 'net.ipv4.vs.conntrack' && v === '1'));
});

test('--ipvs-scheduler is honoured', () => {
  assert.match(renderIpvsRestore(buildIpvsPlan(model(), { ...cfg, scheduler: 'lc' })), /-A -t 10\.96\.0\.10:80 -s lc\n/);
});

test('delta against the kernel: removed, added and edited virtual services and real servers', () => {
  const next = buildIpvsPlan(model(), cfg);
  const current = parseIpvsSave([
    '-A -t 10.96.0.10:80 -s wlc',
    '-a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1',
    '-a -t 10.96.0.10:80 -r 10.244.1.9:8080 -m -w 1',
    '-A -u 10.96.0.99:53 -s rr',
  ].join('\n'));
  const delta = renderIpvsDelta({ ...next, services: current }, next).trim().split('\n');
  assert.ok(delta.includes('-D -u 10.96.0.99:53'));
  assert.ok(delta.includes('-E -t 10.96.0.10:80 -s rr'));
  assert.ok(delta.includes('-d -t 10.96.0.10:80 -r 10.244.1.9:8080'));
  assert.ok(delta.includes('-a -t 10.96.0.10:80 -r 10.244.1.3:8080 -m -w 1'));
  assert.ok(!delta.includes('-a -t 10.96.0.10:80 -r 10.244.1.2:8080 -m -w 1'));
  assert.ok(delta.includes('-A -t 10.96.0.11:80 -s rr -p 10800'));
  assert.equal(renderIpvsDelta(next, next), '');
});

test('VIPs are bound to and unbound from the VIP bridge', () => {
  assert.deepEqual(vipAddressCommands(['10.96.0.1', '10.96.0.2'], ['10.96.0.2', '10.96.0.3'], 'kube-ipvs0'), [
    ['addr', 'del', '10.96.0.1/32', 'dev', 'kube-ipvs0'],
    ['addr', 'add', '10.96.0.3/32', 'dev', 'kube-ipvs0'],
  ]);
});

test('the nft rules IPVS mode still needs: masquerade marks, hairpin, service-CIDR guard', () => {
  const nft = buildIpvsPlan(model(), cfg).nft;
  assert.match(nft, /add rule ip kubelite mark-services ip daddr \. meta l4proto \. th dport @cluster-ips ip saddr != 10\.244\.0\.0\/16 meta mark set meta mark \| 0x4000/);
  assert.match(nft, /add element ip kubelite cluster-ips \{ 10\.96\.0\.10 \. tcp \. 80, 10\.96\.0\.11 \. tcp \. 80 \}/);
  assert.match(nft, /add element ip kubelite external-ips \{ 10\.250\.0\.100 \. tcp \. 80 \}/);
  assert.match(nft, /add element ip kubelite nodeports \{ tcp \. 30002 \}/);
  assert.match(nft, /nat-postrouting masquerade fully-random/);
  // VIPs are local addresses in IPVS mode, so the guard must let local destinations through
  assert.match(nft, /filter-output ip daddr 10\.96\.0\.0\/12 oifname != "kube-svc0" fib daddr type != local reject/);
});
