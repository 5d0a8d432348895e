import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from '../../api/types/index.js';
import { exitFromStatus, resizeFrame } from './exec.js';
import { ChannelPrefix, parsePortMappings, translateServicePort } from './port-forward.js';
import { LinePrefixer, logQuery } from './logs.js';
import { byLogging, containerFor } from './pods-for.js';

test('exec: the final Status decides the exit code', () => {
  assert.deepEqual(exitFromStatus({ status: 'Success' }), { code: 0 });
  assert.deepEqual(exitFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }),
    { code: 3, message: 'command terminated with exit code 3' });
  assert.deepEqual(exitFromStatus({ status: 'Failure', message: 'container not found ("x")' }), { code: 1, message: 'error: container not found ("x")' });
  assert.deepEqual([...resizeFrame(100, 30)], [4, ...Buffer.from('{"Width":100,"Height":30}')]);
});

test('port-forward: port specs, the two-byte channel prefix, service port translation', () => {
  assert.deepEqual(parsePortMappings(['8080:80', '9000', ':http']), [
    { local: 8080, remote: 80 }, { local: 9000, remote: 9000 }, { local: 0, remote: 'http' },
  ]);
  assert.throws(() => parsePortMappings(['1:2:3']));
  assert.throws(() => parsePortMappings(['8080:99999']));
  const p = new ChannelPrefix();
  assert.deepEqual([...p.strip(Buffer.from([0x41]))], []);
  assert.deepEqual([...p.strip(Buffer.from([0x1f, 72, 73]))], [72, 73]);
  assert.deepEqual([...p.strip(Buffer.from([74]))], [74]);
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'web', containerPort: 8001 }] }] } } as Pod;
  const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'web' }, { name: 'm', port: 90, targetPort: 9090 }] } } as unknown as Service;
  assert.equal(translateServicePort(svc, pod, 80), 8001);
  assert.equal(translateServicePort(svc, pod, 'm'), 9090);
  assert.throws(() => translateServicePort(svc, pod, 81), /does not have a service port 81/);
});

test('logs: query parameters and prefixed lines', () => {
  assert.deepEqual(logQuery({ tail: 5, follow: true, timestamps: true, since: '2m', maxLogRequests: 5 }, 'c'), {
    container: 'c', follow: true, tailLines: 5, previous: undefined, timestamps: true, sinceSeconds: 120, sinceTime: undefined, limitBytes: undefined,
  });
  const lp = new LinePrefixer('[pod/a/c] ');
  assert.equal(lp.push(Buffer.from('one\ntw')), '[pod/a/c] one\n');
  assert.equal(lp.push(Buffer.from('o\n')), '[pod/a/c] two\n');
  assert.equal(lp.push(Buffer.from('tail')), '');
  assert.equal(lp.end(), '[pod/a/c] tail\n');
});

test('which pod and container: kubectl\'s preferences', () => {
  const mk = (name: string, phase: string, ready: boolean, ts: string): Pod => ({
    metadata: { name, creationTimestamp: ts }, spec: { nodeName: 'n', containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i' }] },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }) as Pod;
  const pods = [mk('pending', 'Pending', false, '2024-01-03'), mk('old', 'Running', true, '2024-01-01'), mk('new', 'Running', true, '2024-01-02'), mk('unready', 'Running', false, '2024-01-04')];
  assert.deepEqual(pods.sort(byLogging).map((p) => p.metadata.name), ['new', 'old', 'unready', 'pending']);
  assert.equal(containerFor(pods[0], 'b'), 'b');
  const annotated = { ...pods[0], metadata: { ...pods[0].metadata, annotations: { 'kubectl.kubernetes.io/default-container': 'b' } } };
  assert.equal(containerFor(annotated, undefined), 'b');
  assert.equal(containerFor(pods[0], undefined, true), 'a');
});
