import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNodeStatus, nodeStatusChanged, type NodeFacts } from './node-status.js';
import { defaultNodeIP, goArch } from './system-info.js';

const facts: NodeFacts = {
  nodeName: 'n1', nodeIP: '10.0.0.5', maxPods: 110, runtimeVersion: '20.10.24', grpcPort: 10250, runtimeHealthy: true,
  ephemeralStorageBytes: 10 * 1024 ** 3,
  system: {
    hostname: 'h', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', machineID: 'm', bootID: 'b', systemUUID: 'u',
    architecture: 'amd64', operatingSystem: 'linux', cpus: 2, memoryBytes: 4 * 1024 ** 3,
  },
};

test('node status carries capacity, addresses, nodeInfo, conditions and the gRPC port', () => {
  const s = buildNodeStatus(facts, undefined, '2024-01-01T00:00:00Z');
  assert.deepEqual(s.capacity, { cpu: '2', memory: '4194304Ki', pods: '110', 'ephemeral-storage': '10485760Ki' });
  assert.deepEqual(s.allocatable, s.capacity);
  assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }]);
  assert.equal(s.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
  assert.equal(s.nodeInfo?.containerRuntimeVersion, 'docker://20.10.24');
  assert.equal(s.nodeInfo?.kubeletVersion, 'v1.32.0-kubelite');
  assert.deepEqual(s.conditions?.map((c) => [c.type, c.status]), [['MemoryPressure', 'False'], ['DiskPressure', 'False'], ['PIDPressure', 'False'], ['Ready', 'True']]);
});

test('heartbeats alone are not a change; a transition keeps its time until the status flips', () => {
  const a = buildNodeStatus(facts, undefined, '2024-01-01T00:00:00Z');
  const b = buildNodeStatus(facts, a, '2024-01-01T00:00:10Z');
  assert.equal(nodeStatusChanged(a, b), false);
  assert.equal(b.conditions![3].lastTransitionTime, '2024-01-01T00:00:00Z');
  const down = buildNodeStatus({ ...facts, runtimeHealthy: false, runtimeMessage: 'no socket' }, b, '2024-01-01T00:00:20Z');
  assert.equal(nodeStatusChanged(b, down), true);
  assert.equal(down.conditions![3].status, 'False');
  assert.equal(down.conditions![3].lastTransitionTime, '2024-01-01T00:00:20Z');
});

test('node IP skips loopback and container bridges', () => {
  const lo = { address: '127.0.0.1', family: 'IPv4', internal: true } as const;
  const ip = (address: string) => ({ address, family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }) as unknown as import('node:os').NetworkInterfaceInfo;
  assert.equal(defaultNodeIP({ lo: [lo as unknown as import('node:os').NetworkInterfaceInfo], docker0: [ip('172.17.0.1')], eth0: [ip('10.1.2.3')] }), '10.1.2.3');
  assert.equal(goArch('x64'), 'amd64');
});
