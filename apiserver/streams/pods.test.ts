import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types/core.js';
import { checkExecAllowed, checkLogsAvailable, kubeletAddress, requireNodeName, resolveContainer } from './pods.js';

function pod(containers: string[], extra: Partial<Pod> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' },
    spec: { containers: containers.map((name) => ({ name, image: 'x' })), ...(extra.spec ?? {}) },
    status: extra.status,
  } as Pod;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    return e.status.message ?? '';
  }
  assert.fail('expected an error');
}

test('container resolution', () => {
  assert.equal(resolveContainer(pod(['a']), undefined), 'a');
  assert.equal(resolveContainer(pod(['a', 'b']), 'b'), 'b');
  assert.equal(message(() => resolveContainer(pod(['a', 'b']), undefined)), 'a container name must be specified for pod web, choose one of: [a b]');
  assert.equal(message(() => resolveContainer(pod(['a']), 'x')), 'container x is not valid for pod web');
});

test('a pod needs a node', () => {
  assert.equal(message(() => requireNodeName(pod(['a']))), 'pod web does not have a host assigned');
  assert.equal(requireNodeName(pod(['a'], { spec: { nodeName: 'n1', containers: [] } } as Partial<Pod>)), 'n1');
});

test('logs of a waiting container', () => {
  const waiting = pod(['a'], { status: { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'ImagePullBackOff' } } }] } } as Partial<Pod>);
  assert.equal(message(() => checkLogsAvailable(waiting, 'a', false)), 'container "a" in pod "web" is waiting to start: ImagePullBackOff');
  assert.equal(message(() => checkLogsAvailable(pod(['a']), 'a', false)), 'container "a" in pod "web" is waiting to start: ContainerCreating');
  checkLogsAvailable(waiting, 'a', true);
  const running = pod(['a'], { status: { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } }] } } as Partial<Pod>);
  checkLogsAvailable(running, 'a', false);
});

test('no exec into a completed pod', () => {
  assert.equal(message(() => checkExecAllowed(pod(['a'], { status: { phase: 'Succeeded' } } as Partial<Pod>), 'a')),
    'cannot exec into a container in a completed pod; current phase is Succeeded');
  checkExecAllowed(pod(['a'], { status: { phase: 'Running' } } as Partial<Pod>), 'a');
});

test('kubelet address from the Node', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: {
    addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.5' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10444 } },
  } } as Node;
  assert.deepEqual(kubeletAddress(node), { host: '10.0.0.5', port: 10444, nodeName: 'n1' });
  assert.deepEqual(kubeletAddress({ ...node, status: { addresses: [{ type: 'Hostname', address: 'n1' }] } } as Node), { host: 'n1', port: 10250, nodeName: 'n1' });
  assert.throws(() => kubeletAddress({ ...node, status: {} } as Node), (e: ApiError) => e.code === 503);
});
