import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSubset } from '../api/types/index.js';
import { addMember, dnsService, hasMember, memberPorts, removeMember } from './registration.js';

test('the kube-dns Service: no selector, the DNS ClusterIP, dns/UDP and dns-tcp/TCP on 53 to the listen port', () => {
  const s = dnsService('10.96.0.10', 5353);
  assert.equal(s.metadata.namespace, 'kube-system');
  assert.equal(s.metadata.name, 'kube-dns');
  assert.equal(s.metadata.labels?.['k8s-app'], 'kube-dns');
  assert.equal(s.spec.selector, undefined);
  assert.equal(s.spec.clusterIP, '10.96.0.10');
  assert.deepEqual(s.spec.ports, [
    { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
    { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 },
  ]);
});

test('addMember: creates the subset, merges with other hosts, is idempotent', () => {
  const first = addMember(undefined, { ip: '10.0.0.2', port: 53 })!;
  assert.deepEqual(first, [{ addresses: [{ ip: '10.0.0.2' }], ports: memberPorts(53) }]);
  const second = addMember(first, { ip: '10.0.0.1', port: 53 })!;
  assert.deepEqual(second, [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: memberPorts(53) }]);
  assert.equal(addMember(second, { ip: '10.0.0.1', port: 53 }), undefined);
  assert.ok(hasMember(second, { ip: '10.0.0.1', port: 53 }));
  // another port is another subset (Endpoints ports are per subset)
  const other = addMember(second, { ip: '10.0.0.1', port: 5353 })!;
  assert.equal(other.length, 2);
  assert.ok(hasMember(other, { ip: '10.0.0.1', port: 5353 }));
  assert.ok(!hasMember(second, { ip: '10.0.0.1', port: 5353 }));
  // the input is not modified
  assert.deepEqual(first, [{ addresses: [{ ip: '10.0.0.2' }], ports: memberPorts(53) }]);
});

test('addMember moves a not-ready copy of our address to ready', () => {
  const subsets: EndpointSubset[] = [{ notReadyAddresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.3' }], ports: memberPorts(53) }];
  assert.deepEqual(addMember(subsets, { ip: '10.0.0.1', port: 53 }), [
    { addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [{ ip: '10.0.0.3' }], ports: memberPorts(53) },
  ]);
});

test('removeMember: only our address, empty subsets dropped, undefined when absent', () => {
  const both = addMember(addMember(undefined, { ip: '10.0.0.1', port: 53 }), { ip: '10.0.0.2', port: 53 })!;
  assert.deepEqual(removeMember(both, { ip: '10.0.0.1', port: 53 }), [{ addresses: [{ ip: '10.0.0.2' }], ports: memberPorts(53) }]);
  assert.deepEqual(removeMember(removeMember(both, { ip: '10.0.0.1', port: 53 }), { ip: '10.0.0.2', port: 53 }), []);
  assert.equal(removeMember(both, { ip: '10.0.0.9', port: 53 }), undefined);
  // same IP on another port is another instance
  assert.equal(removeMember(both, { ip: '10.0.0.1', port: 5353 }), undefined);
  assert.equal(removeMember(undefined, { ip: '10.0.0.1', port: 53 }), undefined);
});
