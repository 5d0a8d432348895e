import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../api/meta.js';
import { recordUpdateManager } from './update-manager.js';
import { fromFieldsV1, hasFieldsMembers, hasFieldsNode, parsePathKey, pathKey } from './field-set.js';
import { diffFields } from './field-diff.js';
import { deepClone } from './json.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:05:00Z';
const T2 = '2024-05-01T10:10:00Z';

function pod(): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }], restartPolicy: 'Always' },
    status: { phase: 'Pending' },
  };
}

const entry = (o: KubeObject, manager: string): ManagedFieldsEntry | undefined => o.metadata.managedFields?.find((e) => e.manager === manager);
const keys = (e: ManagedFieldsEntry | undefined): string[] => [...fromFieldsV1(e?.fieldsV1)].sort();

/** A pod created by the controller, bound by the scheduler, then reported Running by the kubelet. */
function lifecycle(): { created: KubeObject; bound: KubeObject; running: KubeObject } {
  const created = recordUpdateManager(undefined, pod(), 'kube-controller-manager', T0, 'v1');
  const bound = recordUpdateManager(created, {
    ...created, spec: { ...(created.spec as object), nodeName: 'n1' },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null }] },
  }, 'kube-scheduler', T1, 'v1', 'binding');
  const running = recordUpdateManager(bound, {
    ...bound, status: { phase: 'Running', podIP: '10.0.0.5', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null }, { type: 'Ready', status: 'True' }] },
  }, 'kubelet', T2, 'v1', 'status');
  return { created, bound, running };
}

test('entries a write cannot touch are kept as the very same objects', () => {
  const { created, bound, running } = lifecycle();
  assert.equal(entry(bound, 'kube-controller-manager'), entry(created, 'kube-controller-manager'));
  assert.equal(entry(running, 'kube-controller-manager'), entry(created, 'kube-controller-manager'));
  assert.deepEqual(keys(entry(running, 'kubelet')), [
    '["f:status","f:conditions","k:{\\"type\\":\\"Ready\\"}"]',
    '["f:status","f:conditions","k:{\\"type\\":\\"Ready\\"}","f:status"]',
    '["f:status","f:conditions","k:{\\"type\\":\\"Ready\\"}","f:type"]',
    '["f:status","f:phase"]',
    '["f:status","f:podIP"]',
  ].sort());
  assert.equal(entry(running, 'kubelet')?.subresource, 'status');
});

test('a field another manager owned moves to the writer; an entry left with nothing disappears', () => {
  const { running } = lifecycle();
  // the controller takes over spec.nodeName (owned by the scheduler's binding until now)
  const next = recordUpdateManager(running, { ...running, spec: { ...(running.spec as object), nodeName: 'n2' } }, 'kube-controller-manager', T2, 'v1');
  assert.ok(keys(entry(next, 'kube-controller-manager')).includes('["f:spec","f:nodeName"]'));
  assert.ok(!keys(entry(next, 'kube-scheduler')).includes('["f:spec","f:nodeName"]'));
  // removing the only thing a manager owned removes its entry
  const bareStatus = recordUpdateManager(next, { ...next, status: { phase: 'Running' } }, 'other', T2, 'v1', 'status');
  assert.equal(entry(bareStatus, 'kube-scheduler'), undefined, 'scheduler owned only the removed PodScheduled condition');
  assert.deepEqual(keys(entry(bareStatus, 'kubelet')), ['["f:status","f:phase"]'], 'an unchanged value stays with its owner');
  assert.equal(entry(bareStatus, 'other'), undefined, 'a manager that only removed fields owns nothing');
});

test('a no-op write keeps every entry and adds none', () => {
  const { running } = lifecycle();
  const again = recordUpdateManager(running, deepClone(running), 'someone', T2, 'v1');
  assert.deepEqual(again.metadata.managedFields, running.metadata.managedFields);
});

test('the result shares the written object instead of copying it', () => {
  const { bound } = lifecycle();
  const next = { ...bound, status: { phase: 'Running' } };
  const out = recordUpdateManager(bound, next, 'kubelet', T2, 'v1', 'status');
  assert.equal(out.spec, bound.spec);
  assert.equal(out.status, next.status);
});

test('null map entries count as absent in the diff, and shared subtrees are not walked', () => {
  const spec = { containers: [{ name: 'c', image: 'x' }] };
  const a = { metadata: { labels: { a: '1', gone: null } }, spec };
  const b = { metadata: { labels: { a: '1' }, annotations: null }, spec };
  const d = diffFields(a, b, 'io.k8s.api.core.v1.Pod');
  assert.equal(d.changed.size + d.removed.size, 0);
});

test('FieldsV1 probes: a node on a path, and whether a tree has any member', () => {
  const fields = { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } }, 'f:metadata': {} };
  assert.equal(hasFieldsNode(fields, ['f:spec', 'f:containers']), true);
  assert.equal(hasFieldsNode(fields, ['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image']), true);
  assert.equal(hasFieldsNode(fields, ['f:spec', 'f:nodeName']), false);
  // a member above a path is neither the path nor below it: removing the path leaves it alone
  assert.equal(hasFieldsNode(fields, ['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image', 'f:deeper']), false);
  assert.equal(hasFieldsMembers(fields), true);
  assert.equal(hasFieldsMembers({}), false);
  assert.equal(hasFieldsMembers(undefined), false);
  assert.equal(hasFieldsMembers({ 'f:a': 5 }), false);
  for (const f of [fields, {}, { 'f:a': { 'f:b': {} } }, { 'f:a': { '.': {} } }]) assert.equal(hasFieldsMembers(f), fromFieldsV1(f).size > 0);
});

test('parsePathKey round-trips and hands out frozen shared paths', () => {
  const key = pathKey(['f:spec', 'k:{"name":"a\\"b"}']);
  assert.deepEqual(parsePathKey(key), ['f:spec', 'k:{"name":"a\\"b"}']);
  assert.equal(parsePathKey(key), parsePathKey(key));
  assert.ok(Object.isFrozen(parsePathKey(key)));
});
