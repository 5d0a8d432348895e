import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { HOST_PORTS_REASON, hostPortsFilter } from './host-ports.js';

test('same port and protocol conflicts unless both use different specific IPs', () => {
  const node = makeNodeInfo('n');
  node.addPod(makePodInfo('a', { hostPorts: [{ hostPort: 8080, hostIP: '10.0.0.1' }] }));
  const check = (p: Parameters<typeof makePodInfo>[1]) => hostPortsFilter.prepare(makePodInfo('p', p))!(node);
  assert.deepEqual(check({ hostPorts: [{ hostPort: 8080 }] }), [HOST_PORTS_REASON]);
  assert.deepEqual(check({ hostPorts: [{ hostPort: 8080, hostIP: '10.0.0.1' }] }), [HOST_PORTS_REASON]);
  assert.equal(check({ hostPorts: [{ hostPort: 8080, hostIP: '10.0.0.2' }] }), undefined);
  assert.equal(check({ hostPorts: [{ hostPort: 8080, protocol: 'UDP' }] }), undefined);
  assert.equal(check({ hostPorts: [{ hostPort: 9090 }] }), undefined);
  assert.equal(hostPortsFilter.prepare(makePodInfo('p')), undefined);
});
