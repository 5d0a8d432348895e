import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from '../api/types/index.js';
import { buildSubsets, endpointsLabels, findPort, HEADLESS_LABEL, repackSubsets, shouldPodBeInEndpoints } from './endpoints.js';

function service(ports: Service['spec']['ports'], extra: Partial<Service['spec']> = {}, labels?: Record<string, string>): Service {
  return { metadata: { name: 'web', namespace: 'default', labels }, spec: { selector: { app: 'web' }, ports, clusterIP: '10.96.0.10', ...extra } };
}

interface PodOpts {
  ready?: boolean;
  ip?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }>;
  deleting?: boolean;
  phase?: 'Running' | 'Succeeded' | 'Failed';
  hostname?: string;
  subdomain?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const p: Pod = {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i', ports: o.ports }], hostname: o.hostname, subdomain: o.subdomain },
    status: { phase: o.phase ?? 'Running', podIP: o.ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
  if (o.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  return p;
}

const addr = (name: string, ip: string) => ({ ip, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` } });

test('ready pods in addresses, not-ready in notReadyAddresses, one subset for one port', () => {
  const svc = service([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  const subsets = buildSubsets(svc, [pod('b', { ip: '10.0.0.2' }), pod('a', { ip: '10.0.0.1' }), pod('c', { ip: '10.0.0.3', ready: false })]);
  assert.deepEqual(subsets, [{
    addresses: [addr('a', '10.0.0.1'), addr('b', '10.0.0.2')],
    notReadyAddresses: [addr('c', '10.0.0.3')],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }]);
});

test('pods without IP, terminating or terminal are left out', () => {
  const svc = service([{ port: 80, targetPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(buildSubsets(svc, [pod('noip'), pod('gone', { ip: '10.0.0.9', deleting: true }), pod('done', { ip: '10.0.0.8', phase: 'Succeeded' })]), []);
  assert.ok(!shouldPodBeInEndpoints(pod('x', { ip: '1.1.1.1', phase: 'Failed' }), true));
  assert.ok(shouldPodBeInEndpoints(pod('x', { ip: '1.1.1.1', deleting: true }), true));
});

test('publishNotReadyAddresses lists every pod as ready', () => {
  const svc = service([{ port: 80, targetPort: 80, protocol: 'TCP' }], { publishNotReadyAddresses: true });
  const subsets = buildSubsets(svc, [pod('a', { ip: '10.0.0.1', ready: false })]);
  assert.deepEqual(subsets[0].addresses?.map((a) => a.ip), ['10.0.0.1']);
  assert.equal(subsets[0].notReadyAddresses, undefined);
});

test('named target ports resolve per pod; different numbers make different subsets', () => {
  const svc = service([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  const subsets = buildSubsets(svc, [
    pod('a', { ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }),
    pod('b', { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 9090 }] }),
    pod('c', { ip: '10.0.0.3', ports: [{ name: 'http', containerPort: 8080 }] }),
    pod('d', { ip: '10.0.0.4', ports: [{ name: 'metrics', containerPort: 9100 }] }),
  ]);
  assert.equal(subsets.length, 2);
  const byPort = Object.fromEntries(subsets.map((s) => [s.ports![0].port, s.addresses!.map((a) => a.ip)]));
  assert.deepEqual(byPort, { 8080: ['10.0.0.1', '10.0.0.3'], 9090: ['10.0.0.2'] });
  assert.equal(findPort(pod('u', { ports: [{ name: 'http', containerPort: 53, protocol: 'UDP' }] }), { port: 80, targetPort: 'http', protocol: 'TCP' }), undefined, 'protocol must match');
  assert.equal(findPort(pod('n'), { port: 80, protocol: 'TCP' }), 80, 'no targetPort: the service port');
});

test('several service ports share one subset when every pod serves them all', () => {
  const svc = service([
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' },
  ]);
  const subsets = buildSubsets(svc, [
    pod('a', { ip: '10.0.0.1', ports: [{ name: 'metrics', containerPort: 9100 }] }),
    pod('b', { ip: '10.0.0.2', ports: [{ name: 'metrics', containerPort: 9100 }] }),
  ]);
  assert.equal(subsets.length, 1);
  assert.deepEqual(subsets[0].ports?.map((p) => p.name), ['http', 'metrics']);
  // One pod lacks the named port: it gets a subset with http only.
  const split = buildSubsets(svc, [pod('a', { ip: '10.0.0.1', ports: [{ name: 'metrics', containerPort: 9100 }] }), pod('b', { ip: '10.0.0.2' })]);
  assert.equal(split.length, 2);
});

test('hostname is set only for pods whose subdomain is the service', () => {
  const svc = service([{ port: 80, targetPort: 80, protocol: 'TCP' }]);
  const subsets = buildSubsets(svc, [
    pod('a', { ip: '10.0.0.1', hostname: 'a-host', subdomain: 'web' }),
    pod('b', { ip: '10.0.0.2', hostname: 'b-host', subdomain: 'other' }),
  ]);
  assert.deepEqual(subsets[0].addresses?.map((a) => a.hostname), ['a-host', undefined]);
});

test('headless services without ports still list their pods; labels get the headless marker', () => {
  const svc = service([], { clusterIP: 'None' }, { app: 'web' });
  const subsets = buildSubsets(svc, [pod('a', { ip: '10.0.0.1' })]);
  assert.deepEqual(subsets, [{ addresses: [addr('a', '10.0.0.1')] }]);
  assert.deepEqual(endpointsLabels(svc), { app: 'web', [HEADLESS_LABEL]: '' });
  assert.deepEqual(endpointsLabels(service([], {}, { app: 'web' })), { app: 'web' });
  assert.deepEqual(buildSubsets(service([]), [pod('a', { ip: '10.0.0.1' })]), [], 'a ClusterIP service without ports has none');
});

test('repackSubsets merges and sorts so equal inputs compare equal', () => {
  const a = { ip: '10.0.0.1' };
  const b = { ip: '10.0.0.2' };
  const p80 = { port: 80, protocol: 'TCP' as const };
  const p81 = { port: 81, protocol: 'TCP' as const };
  const one = repackSubsets([{ addresses: [b], ports: [p80] }, { addresses: [a], ports: [p80] }, { addresses: [a, b], ports: [p81] }]);
  const two = repackSubsets([{ addresses: [a, b], ports: [p81, p80] }]);
  assert.deepEqual(one, two);
  assert.deepEqual(one, [{ addresses: [a, b], ports: [p80, p81] }]);
  // Ready wins over not ready for the same address and port.
  assert.deepEqual(repackSubsets([{ notReadyAddresses: [a], ports: [p80] }, { addresses: [a], ports: [p80] }]), [{ addresses: [a], ports: [p80] }]);
});
