import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/types/index.js';
import { canonicalCidr, cidrsOverlap, connectedRoutes, desiredRoutes, diffRoutes, ownedRoutes, routeMetric } from './pod-routes.js';

function node(name: string, podCIDR?: string, internalIP?: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: internalIP ? [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: internalIP }] : [] },
  };
}

const connected = [{ dst: '10.250.7.0/24', dev: 'br0' }, { dst: '10.244.1.0/24', dev: 'docker0' }];

test('routes every other node podCIDR via its InternalIP and says why others are skipped', () => {
  const nodes = [
    node('a', '10.244.1.0/24', '10.250.7.1'),
    node('b', '10.244.2.0/24', '10.250.7.2'),
    node('c', '10.244.3.0/24', '10.250.7.3'),
    node('no-cidr', undefined, '10.250.7.4'),
    node('no-ip', '10.244.5.0/24'),
  ];
  const { routes, skipped } = desiredRoutes(nodes, 'a', ['10.250.7.1', '127.0.0.1'], connected);
  assert.deepEqual(routes, [
    { cidr: '10.244.2.0/24', via: '10.250.7.2', node: 'b' },
    { cidr: '10.244.3.0/24', via: '10.250.7.3', node: 'c' },
  ]);
  assert.deepEqual(skipped, [
    { node: 'a', reason: 'self' },
    { node: 'no-cidr', reason: 'no-pod-cidr' },
    { node: 'no-ip', reason: 'no-internal-ip' },
  ]);
});

test('a node whose InternalIP is an address of this host gets no route (kubelets sharing a machine)', () => {
  const { routes, skipped } = desiredRoutes([node('b', '10.244.2.0/24', '127.0.0.1')], 'a', ['127.0.0.1'], connected);
  assert.deepEqual(routes, []);
  assert.deepEqual(skipped, [{ node: 'b', reason: 'local-address' }]);
});

test('never overrides a subnet this host already reaches directly', () => {
  // b claims the podCIDR of a local bridge, c a range overlapping it
  const nodes = [node('b', '10.244.1.0/24', '10.250.7.2'), node('c', '10.244.0.0/23', '10.250.7.3')];
  const { routes, skipped } = desiredRoutes(nodes, 'a', [], connected);
  assert.deepEqual(routes, []);
  assert.deepEqual(skipped.map((s) => s.reason), ['connected-cidr', 'connected-cidr']);
});

test('next hops outside every connected subnet are skipped: host-gw needs layer-2 adjacency', () => {
  const { routes, skipped } = desiredRoutes([node('b', '10.244.2.0/24', '192.168.9.9')], 'a', [], [...connected, { dst: 'default' }]);
  assert.deepEqual(routes, []);
  assert.deepEqual(skipped, [{ node: 'b', reason: 'not-adjacent' }]);
});

test('podCIDRs are normalised, IPv6 and duplicate podCIDRs are skipped deterministically', () => {
  const nodes = [node('z', '10.244.2.0/24', '10.250.7.9'), node('b', '10.244.2.9/24', '10.250.7.2'), node('v6', 'fd00::/64', '10.250.7.5')];
  const { routes, skipped } = desiredRoutes(nodes, 'a', [], connected);
  assert.deepEqual(routes, [{ cidr: '10.244.2.0/24', via: '10.250.7.2', node: 'b' }]);
  assert.deepEqual(skipped, [{ node: 'v6', reason: 'ipv6' }, { node: 'z', reason: 'duplicate-cidr' }]);
});

test('podCIDRs[0] is used when podCIDR is unset', () => {
  const n = node('b', undefined, '10.250.7.2');
  n.spec = { podCIDRs: ['10.244.9.0/24'] };
  assert.deepEqual(desiredRoutes([n], 'a', [], connected).routes, [{ cidr: '10.244.9.0/24', via: '10.250.7.2', node: 'b' }]);
});

test('diff replaces new and changed routes and removes those of deleted nodes', () => {
  const current = [{ cidr: '10.244.2.0/24', via: '10.250.7.2' }, { cidr: '10.244.3.0/24', via: '10.250.7.3' }, { cidr: '10.244.4.0/24', via: '10.250.7.4' }];
  const desired = [{ cidr: '10.244.2.0/24', via: '10.250.7.2', node: 'b' }, { cidr: '10.244.3.0/24', via: '10.250.7.33', node: 'c' }, { cidr: '10.244.5.0/24', via: '10.250.7.5', node: 'e' }];
  const d = diffRoutes(current, desired);
  assert.deepEqual(d.replace.map((r) => r.cidr), ['10.244.3.0/24', '10.244.5.0/24']);
  assert.deepEqual(d.remove, [{ cidr: '10.244.4.0/24', via: '10.250.7.4' }]);
  assert.deepEqual(diffRoutes(desired, desired), { replace: [], remove: [] });
});

test('owned routes are those with our metric; other kubelets on the machine keep theirs', () => {
  const m = routeMetric('node-a');
  assert.notEqual(m, routeMetric('node-b'));
  assert.ok(m >= 1_000_000 && m < 1_000_000 + 2 ** 24);
  const json = [
    { dst: '10.244.2.0/24', gateway: '10.250.7.2', dev: 'br0', metric: m },
    { dst: '10.244.3.0/24', gateway: '10.250.7.3', dev: 'br0', metric: routeMetric('node-b') },
    { dst: '10.244.4.0/24', dev: 'br0', metric: m },
  ];
  assert.deepEqual(ownedRoutes(json, m), [{ cidr: '10.244.2.0/24', via: '10.250.7.2' }]);
});

test('connected routes are the IPv4 routes without a gateway', () => {
  const json = [
    { dst: 'default', gateway: '192.0.2.1', dev: 'eth0' },
    { dst: '10.244.165.0/24', dev: 'br-1', protocol: 'kernel', scope: 'link' },
    { dst: '10.244.2.0/24', gateway: '10.250.7.2', dev: 'br0' },
    { dst: '10.9.9.9', dev: 'tun0' },
    { dst: '10.1.0.0/16', dev: 'lo', type: 'blackhole' },
  ];
  assert.deepEqual(connectedRoutes(json), [{ dst: '10.244.165.0/24', dev: 'br-1' }, { dst: '10.9.9.9/32', dev: 'tun0' }]);
});

test('cidr helpers', () => {
  assert.equal(canonicalCidr('10.244.3.7/24'), '10.244.3.0/24');
  assert.equal(canonicalCidr('10.244.3.7'), '10.244.3.7/32');
  assert.equal(canonicalCidr('10.244.300.0/24'), undefined);
  assert.equal(canonicalCidr('fd00::/64'), undefined);
  assert.ok(cidrsOverlap('10.244.0.0/16', '10.244.9.0/24'));
  assert.ok(!cidrsOverlap('10.244.8.0/24', '10.244.9.0/24'));
});
