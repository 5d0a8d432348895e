import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnerReference } from '../api/meta.js';
import { OwnerGraph } from './garbage-collector-graph.js';

const ref = (uid: string, block = false): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${uid}`, uid, blockOwnerDeletion: block });

test('dependents are found by owner uid, with the reference that names the owner', () => {
  const g = new OwnerGraph();
  g.upsert({ resource: '/pods', namespace: 'default', name: 'p1', uid: 'p1', owners: [ref('rs1', true)] });
  g.upsert({ resource: '/pods', namespace: 'default', name: 'p2', uid: 'p2', owners: [ref('rs1'), ref('rs2')] });
  assert.deepEqual(g.dependentsOf('rs1').map((d) => [d.object.name, d.ref.blockOwnerDeletion]), [['p1', true], ['p2', false]]);
  assert.deepEqual(g.dependentsOf('rs2').map((d) => d.object.name), ['p2']);
  assert.equal(g.hasDependents('rs3'), false);
});

test('changed owner references move the edges', () => {
  const g = new OwnerGraph();
  g.upsert({ resource: '/pods', name: 'p1', uid: 'p1', owners: [ref('rs1')] });
  g.upsert({ resource: '/pods', name: 'p1', uid: 'p1', owners: [ref('rs2')] });
  assert.equal(g.hasDependents('rs1'), false);
  assert.deepEqual(g.dependentsOf('rs2').map((d) => d.object.uid), ['p1']);
  g.upsert({ resource: '/pods', name: 'p1', uid: 'p1', owners: [] });
  assert.equal(g.hasDependents('rs2'), false);
});

test('removing an owner keeps its dependents\' edges; removing a dependent drops them', () => {
  const g = new OwnerGraph();
  g.upsert({ resource: 'apps/replicasets', name: 'rs1', uid: 'rs1', owners: [ref('d1')] });
  g.upsert({ resource: '/pods', name: 'p1', uid: 'p1', owners: [ref('rs1')] });
  g.remove('rs1');
  assert.deepEqual(g.dependentsOf('rs1').map((d) => d.object.uid), ['p1']);
  assert.equal(g.hasDependents('d1'), false);
  assert.equal(g.remove('p1')?.name, 'p1');
  assert.equal(g.hasDependents('rs1'), false);
  assert.equal(g.size, 0);
});
