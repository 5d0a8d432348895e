import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/meta.js';
import { D, obj, rowOf, table } from './testutil.js';

function node(labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return obj('node-a', { apiVersion: 'v1', kind: 'Node', spec, status, metadata: { name: 'node-a', labels } }, 3 * D);
}

const nodeRow = (n: KubeObject) => rowOf('', 'v1', 'nodes', n);

test('NotReady, cordoned node with roles and wide columns', () => {
  const n = node(
    { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'node-a' },
    { unschedulable: true },
    {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'False' }],
      addresses: [{ type: 'Hostname', address: 'node-a' }, { type: 'InternalIP', address: '172.18.0.2' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-kubelite', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://27.0.1' },
    },
  );
  const t = table('', 'v1', 'nodes', [n]);
  assert.deepEqual(
    t.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name),
    ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'],
  );
  assert.deepEqual(t.rows[0]?.cells, [
    'node-a',
    'NotReady,SchedulingDisabled',
    'control-plane,worker',
    '3d',
    'v1.32.0-kubelite',
    '172.18.0.2',
    '<none>',
    'Debian GNU/Linux 12',
    '6.1.0',
    'docker://27.0.1',
  ]);
});

test('Ready, Unknown status, legacy role label, <none> roles, <unknown> node info', () => {
  assert.equal(nodeRow(node({}, {}, { conditions: [{ type: 'Ready', status: 'True' }] }))['Status'], 'Ready');
  assert.equal(nodeRow(node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }))['Status'], 'NotReady');
  const bare = nodeRow(node({}, {}, {}));
  assert.equal(bare['Status'], 'Unknown');
  assert.equal(bare['Roles'], '<none>');
  assert.equal(bare['OS-Image'], '<unknown>');
  assert.equal(bare['Internal-IP'], '<none>');
  assert.equal(nodeRow(node({ 'kubernetes.io/role': 'master' }, {}, {}))['Roles'], 'master');
});
