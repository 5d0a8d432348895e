import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionConditions, mergeConditions, namespacedResourcesInDeletionOrder, recheckDelayMs, resourceId } from './namespace-cleanup.js';

test('every namespaced resource is cleaned once, workloads before pods, pods before what they use, events last', () => {
  const order = namespacedResourcesInDeletionOrder().map(resourceId);
  assert.equal(new Set(order).size, order.length);
  for (const r of ['/pods', '/services', '/endpoints', '/configmaps', '/secrets', 'apps/deployments', 'apps/replicasets', 'coordination.k8s.io/leases', '/events', 'autoscaling/horizontalpodautoscalers']) {
    assert.ok(order.includes(r), `${r} missing`);
  }
  assert.ok(!order.includes('/nodes') && !order.includes('/namespaces') && !order.includes('/persistentvolumes'));
  const at = (r: string) => order.indexOf(r);
  for (const w of ['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', 'batch/cronjobs', '/replicationcontrollers']) {
    assert.ok(at(w) < at('/pods'), `${w} after pods`);
  }
  assert.ok(at('apps/deployments') < at('apps/replicasets'));
  assert.ok(at('/pods') < at('/services'));
  for (const used of ['/configmaps', '/secrets', '/persistentvolumeclaims', '/serviceaccounts']) assert.ok(at(used) > at('/services'), used);
  assert.equal(order[order.length - 1], '/events');
  // HPA is served at two versions but cleaned at its storage version only
  const hpa = namespacedResourcesInDeletionOrder().find((r) => r.resource === 'horizontalpodautoscalers');
  assert.equal(hpa?.version, 'v2');
});

test('conditions say what remains and which finalizers hold it', () => {
  const conds = deletionConditions({
    remaining: [{ resource: 'pods', count: 2, finalizers: {} }, { resource: 'configmaps', count: 1, finalizers: { 'example.com/x': 1 } }],
    failures: [],
  }, 'T');
  const by = Object.fromEntries(conds.map((c) => [c.type, c]));
  assert.equal(by.NamespaceContentRemaining.status, 'True');
  assert.equal(by.NamespaceContentRemaining.message, 'Some resources are remaining: pods has 2 resource instances, configmaps has 1 resource instances');
  assert.equal(by.NamespaceFinalizersRemaining.status, 'True');
  assert.match(by.NamespaceFinalizersRemaining.message!, /example.com\/x in 1 resource instances/);
  assert.equal(by.NamespaceDeletionContentFailure.status, 'False');
  const failed = deletionConditions({ remaining: [], failures: [{ resource: 'pods', message: 'boom' }] }, 'T');
  const f = failed.find((c) => c.type === 'NamespaceDeletionContentFailure')!;
  assert.equal(f.status, 'True');
  assert.match(f.message!, /pods: boom/);
});

test('rewriting unchanged conditions is a no-op that keeps transition times', () => {
  const first = deletionConditions({ remaining: [{ resource: 'pods', count: 1, finalizers: {} }], failures: [] }, 'T1');
  const merged = mergeConditions(undefined, first)!;
  assert.equal(mergeConditions(merged, deletionConditions({ remaining: [{ resource: 'pods', count: 1, finalizers: {} }], failures: [] }, 'T2')), undefined);
  const next = mergeConditions(merged, deletionConditions({ remaining: [], failures: [] }, 'T3'))!;
  assert.equal(next.find((c) => c.type === 'NamespaceContentRemaining')!.lastTransitionTime, 'T3');
  assert.equal(next.find((c) => c.type === 'NamespaceDeletionDiscoveryFailure')!.lastTransitionTime, 'T1');
});

test('rechecks back off from a quarter second to ten seconds', () => {
  assert.deepEqual([0, 1, 2, 3, 6, 20].map(recheckDelayMs), [250, 500, 1000, 2000, 10_000, 10_000]);
});
