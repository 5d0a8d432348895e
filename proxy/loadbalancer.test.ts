import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingressPatch, parsePool, planLoadBalancerIPs } from './loadbalancer.js';
import { service } from './testdata.js';

function lb(name: string, created: string, ingress?: string[], extra: Record<string, unknown> = {}) {
  const s = service(name, '10.96.0.9', { type: 'LoadBalancer', ...extra });
  s.metadata.creationTimestamp = created;
  if (ingress) s.status = { loadBalancer: { ingress: ingress.map((ip) => ({ ip })) } };
  return s;
}

test('pools: a CIDR skips network and broadcast; a list is taken as given', () => {
  assert.deepEqual([...parsePool('10.250.0.0/30').candidates()], ['10.250.0.1', '10.250.0.2']);
  assert.deepEqual([...parsePool('127.0.0.5/32').candidates()], ['127.0.0.5']);
  assert.deepEqual([...parsePool('127.0.0.5, 127.0.0.6').candidates()], ['127.0.0.5', '127.0.0.6']);
  assert.ok(parsePool('10.250.0.0/30').has('10.250.0.2'));
  assert.ok(!parsePool('10.250.0.0/30').has('10.250.0.3'));
  assert.throws(() => parsePool('10.250.0.300'), /not an IPv4 address/);
});

test('each LoadBalancer gets a free pool IP; existing and requested ones are kept', () => {
  const pool = parsePool('127.0.0.10,127.0.0.11,127.0.0.12');
  const changes = planLoadBalancerIPs([
    lb('old', '2024-01-01T00:00:00Z', ['127.0.0.11']),
    lb('new', '2024-01-02T00:00:00Z'),
    lb('wants', '2024-01-03T00:00:00Z', undefined, { loadBalancerIP: '127.0.0.12' }),
    service('plain', '10.96.0.1'),
  ], pool, undefined);
  assert.deepEqual([...changes], [['default/new', ['127.0.0.10']], ['default/wants', ['127.0.0.12']]]);
});

test('an exhausted pool leaves the service pending; a clash goes to the older service', () => {
  const pool = parsePool('127.0.0.10');
  const changes = planLoadBalancerIPs([lb('b', '2024-01-02T00:00:00Z', ['127.0.0.10']), lb('a', '2024-01-01T00:00:00Z', ['127.0.0.10'])], pool, undefined);
  assert.deepEqual([...changes], [['default/b', []]]);
});

test("without a pool the node's address is used; a service that stopped being a LoadBalancer is cleared", () => {
  const np = service('was-lb', '10.96.0.2', { type: 'NodePort' });
  np.status = { loadBalancer: { ingress: [{ ip: '10.250.0.1' }] } };
  const changes = planLoadBalancerIPs([lb('x', '2024-01-01T00:00:00Z'), lb('y', '2024-01-01T00:00:00Z', ['10.250.0.1']), np], undefined, '10.250.0.1');
  assert.deepEqual([...changes], [['default/was-lb', []], ['default/x', ['10.250.0.1']]]);
  assert.equal(planLoadBalancerIPs([lb('other', '2024-01-01T00:00:00Z', undefined, { loadBalancerClass: 'metallb' })], undefined, '10.250.0.1').size, 0);
  assert.deepEqual(ingressPatch([]), { status: { loadBalancer: { ingress: null } } });
});
