import assert from 'node:assert/strict';
import { test } from 'node:test';
import { D, H, M, S, ago, obj, rowOf, table } from './testutil.js';

test('endpoints: first three then + N more..., headless IPs, <none>', () => {
  const ep = obj('web', {
    subsets: [
      { addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], ports: [{ port: 8001 }] },
      { addresses: [{ ip: '10.244.1.7' }, { ip: '10.244.1.8' }], ports: [{ port: 8001 }, { port: 9090, name: 'metrics' }] },
    ],
  });
  const t = table('', 'v1', 'endpoints', [ep]);
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Endpoints', 'Age']);
  assert.deepEqual(t.rows[0]?.cells, ['web', '10.244.0.5:8001,10.244.0.6:8001,10.244.1.7:8001 + 3 more...', '5m']);
  const three = obj('x', { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }], ports: [{ port: 80 }] }] });
  assert.equal(rowOf('', 'v1', 'endpoints', three)['Endpoints'], '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80');
  assert.equal(rowOf('', 'v1', 'endpoints', obj('h', { subsets: [{ addresses: [{ ip: 'fd00::1' }] }] }))['Endpoints'], 'fd00::1');
  assert.equal(rowOf('', 'v1', 'endpoints', obj('v6', { subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] }))['Endpoints'], '[fd00::1]:80');
  assert.equal(rowOf('', 'v1', 'endpoints', obj('empty', {}))['Endpoints'], '<none>');
});

test('events: wide layout, object column, source, count defaults', () => {
  const ev = obj('web-1.17a', {
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container\n',
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{web}' },
    source: { component: 'kubelet', host: 'node-a' },
    firstTimestamp: ago(10 * M),
    lastTimestamp: ago(30 * S),
    count: 7,
  });
  const t = table('', 'v1', 'events', [ev]);
  assert.deepEqual(
    t.columnDefinitions.map((c) => `${c.name}:${c.priority}`),
    ['Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1'],
  );
  assert.deepEqual(t.rows[0]?.cells, ['30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{web}', 'kubelet, node-a', 'Back-off restarting failed container', '10m', 7, 'web-1.17a']);

  const micro = obj('e2', {
    eventTime: ago(2 * M),
    reportingComponent: 'default-scheduler',
    involvedObject: { kind: 'Node' },
  });
  const r = rowOf('', 'v1', 'events', micro);
  assert.equal(r['Last Seen'], '2m');
  assert.equal(r['First Seen'], '2m');
  assert.equal(r['Count'], 1);
  assert.equal(r['Object'], 'node');
  assert.equal(r['Source'], 'default-scheduler');
  const series = rowOf('', 'v1', 'events', obj('e3', { eventTime: ago(H), series: { count: 4, lastObservedTime: ago(5 * S) }, involvedObject: { kind: 'Pod', name: 'p' } }));
  assert.equal(series['Last Seen'], '5s');
  assert.equal(series['Count'], 4);
});

test('namespaces, configmaps, secrets, serviceaccounts, leases', () => {
  assert.deepEqual(table('', 'v1', 'namespaces', [obj('kube-system', { status: { phase: 'Active' } }, 3 * D)]).rows[0]?.cells, ['kube-system', 'Active', '3d']);
  assert.deepEqual(table('', 'v1', 'configmaps', [obj('cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })]).rows[0]?.cells, ['cfg', 3, '5m']);
  const secret = table('', 'v1', 'secrets', [obj('tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } })]);
  assert.deepEqual(secret.columnDefinitions.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.deepEqual(secret.rows[0]?.cells, ['tls', 'kubernetes.io/tls', 2, '5m']);
  assert.deepEqual(table('', 'v1', 'serviceaccounts', [obj('default', {})]).rows[0]?.cells, ['default', 0, '5m']);
  const lease = table('coordination.k8s.io', 'v1', 'leases', [obj('kube-scheduler', { spec: { holderIdentity: 'sched-1_abc' } })]);
  assert.deepEqual(lease.columnDefinitions.map((c) => c.name), ['Name', 'Holder', 'Age']);
  assert.deepEqual(lease.rows[0]?.cells, ['kube-scheduler', 'sched-1_abc', '5m']);
});

test('persistent volumes and claims', () => {
  const pv = obj('pv-1', {
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'standard',
      claimRef: { namespace: 'default', name: 'data' },
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Bound' },
  });
  const t = table('', 'v1', 'persistentvolumes', [pv]);
  assert.deepEqual(
    t.columnDefinitions.map((c) => c.name),
    ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode'],
  );
  assert.deepEqual(t.rows[0]?.cells, ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '5m', 'Filesystem']);

  const bound = obj('data', {
    spec: { volumeName: 'pv-1', storageClassName: 'standard', resources: { requests: { storage: '5Gi' } } },
    status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOncePod'] },
  });
  assert.deepEqual(table('', 'v1', 'persistentvolumeclaims', [bound]).rows[0]?.cells, ['data', 'Bound', 'pv-1', '10Gi', 'RWOP', 'standard', '<unset>', '5m', '<unset>']);
  const pending = rowOf('', 'v1', 'persistentvolumeclaims', obj('p', { spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } }));
  assert.equal(pending['Capacity'], '');
  assert.equal(pending['Access Modes'], '');
  assert.equal(pending['StorageClass'], '');
});

test('storageclasses, CSRs, roles and bindings', () => {
  const sc = obj('standard', { provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
  assert.deepEqual(table('storage.k8s.io', 'v1', 'storageclasses', [sc]).rows[0]?.cells, ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '5m']);

  const csr = obj('node-csr-abc', {
    spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:a', expirationSeconds: 86400 },
    status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' },
  });
  const csrTable = table('certificates.k8s.io', 'v1', 'certificatesigningrequests', [csr]);
  assert.deepEqual(csrTable.columnDefinitions.map((c) => c.name), ['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition']);
  assert.deepEqual(csrTable.rows[0]?.cells, ['node-csr-abc', '5m', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:a', '24h', 'Approved,Issued']);
  assert.equal(rowOf('certificates.k8s.io', 'v1', 'certificatesigningrequests', obj('x', { status: { conditions: [{ type: 'Denied' }, { type: 'Approved' }] } }))['Condition'], 'Denied');

  const role = { metadata: { name: 'reader', creationTimestamp: '2024-03-04T05:06:07Z' } };
  const roles = table('rbac.authorization.k8s.io', 'v1', 'clusterroles', [role]);
  assert.deepEqual(roles.columnDefinitions.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(roles.rows[0]?.cells, ['reader', '2024-03-04T05:06:07Z']);

  const rb = obj('read-pods', {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', namespace: 'default', name: 'ci' },
      { kind: 'User', name: 'joe' },
    ],
  });
  const rbTable = table('rbac.authorization.k8s.io', 'v1', 'rolebindings', [rb]);
  assert.deepEqual(rbTable.columnDefinitions.map((c) => `${c.name}:${c.priority}`), ['Name:0', 'Role:0', 'Age:0', 'Users:1', 'Groups:1', 'ServiceAccounts:1']);
  assert.deepEqual(rbTable.rows[0]?.cells, ['read-pods', 'Role/reader', '5m', 'jane, joe', 'devs', 'default/ci']);
});
