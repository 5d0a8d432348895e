import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/meta.js';
import { obj, rowOf, table } from './testutil.js';

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return obj('web', { apiVersion: 'v1', kind: 'Service', spec, status });
}

const svcRow = (s: KubeObject) => rowOf('', 'v1', 'services', s);

test('NodePort service: ports with node ports, no external IP, selector', () => {
  const t = table('', 'v1', 'services', [
    svc({
      type: 'NodePort',
      clusterIP: '10.96.0.12',
      clusterIPs: ['10.96.0.12'],
      selector: { app: 'web', tier: 'fe' },
      ports: [
        { port: 38001, nodePort: 31234, protocol: 'TCP' },
        { port: 53, nodePort: 30053, protocol: 'UDP' },
      ],
    }),
  ]);
  assert.deepEqual(
    t.columnDefinitions.map((c) => c.name),
    ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
  );
  assert.deepEqual(t.rows[0]?.cells, ['web', 'NodePort', '10.96.0.12', '<none>', '38001:31234/TCP,53:30053/UDP', '5m', 'app=web,tier=fe']);
});

test('ClusterIP service: defaults, headless, no ports, externalIPs', () => {
  const r = svcRow(svc({ clusterIP: '10.96.0.1', ports: [{ port: 443 }] }));
  assert.equal(r['Type'], 'ClusterIP');
  assert.equal(r['Cluster-IP'], '10.96.0.1');
  assert.equal(r['Port(s)'], '443/TCP');
  assert.equal(r['Selector'], '<none>');
  const headless = svcRow(svc({ type: 'ClusterIP', clusterIPs: ['None'] }));
  assert.equal(headless['Cluster-IP'], 'None');
  assert.equal(headless['Port(s)'], '<none>');
  assert.equal(svcRow(svc({ type: 'ClusterIP', externalIPs: ['1.2.3.4', '5.6.7.8'] }))['External-IP'], '1.2.3.4,5.6.7.8');
});

test('LoadBalancer: <pending> without ingress, ingress IPs sorted and joined, plus externalIPs', () => {
  assert.equal(svcRow(svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] }))['External-IP'], '<pending>');
  const withIngress = svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '172.18.0.5' }, { hostname: 'lb.example.com' }, { ip: '172.18.0.3' }] } });
  assert.equal(svcRow(withIngress)['External-IP'], '172.18.0.3,172.18.0.5,lb.example.com');
  const both = svc({ type: 'LoadBalancer', externalIPs: ['9.9.9.9'] }, { loadBalancer: { ingress: [{ ip: '172.18.0.5' }] } });
  assert.equal(svcRow(both)['External-IP'], '172.18.0.5,9.9.9.9');
});

test('ExternalName shows the external name', () => {
  const r = svcRow(svc({ type: 'ExternalName', externalName: 'db.example.com' }));
  assert.equal(r['External-IP'], 'db.example.com');
  assert.equal(r['Cluster-IP'], '<none>');
});
