import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Loose } from './testing.js';
import { clone, createErrors, deployment, lines, statusErrors, updateErrors, workload } from './testing.js';

function errs(obj: Loose, edit: (o: Loose) => void = () => {}): string[] {
  edit(obj);
  return lines(createErrors(obj));
}

test('selector is required, valid and non-empty for every workload', () => {
  for (const make of [deployment, () => workload('ReplicaSet'), () => workload('DaemonSet'), () => workload('StatefulSet')]) {
    assert.deepEqual(errs(make()), []);
    assert.deepEqual(errs(make(), (o) => { delete o.spec.selector; }), ['spec.selector: Required value']);
  }
  assert.deepEqual(errs(deployment(), (d) => { d.spec.selector = {}; }), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
  assert.deepEqual(errs(deployment(), (d) => {
    d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] };
  }), []);
  assert.deepEqual(errs(deployment(), (d) => {
    d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In' }] };
  }), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
  ]);
});

test('template labels must match the selector', () => {
  for (const kind of ['ReplicaSet', 'DaemonSet', 'StatefulSet'] as const) {
    assert.deepEqual(errs(workload(kind), (o) => { o.spec.template.metadata.labels = { app: 'x' }; }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']);
  }
  assert.deepEqual(errs(deployment(), (d) => { d.spec.template.metadata.labels = { app: 'web', tier: 'fe' }; }), []);
});

test('replicas ≥ 0 and long-running templates only', () => {
  assert.deepEqual(errs(deployment(), (d) => { d.spec.replicas = 0; }), []);
  assert.deepEqual(errs(deployment(), (d) => {
    d.spec.replicas = -2;
    d.spec.template.spec.restartPolicy = 'OnFailure';
    d.spec.template.spec.activeDeadlineSeconds = 10;
  }), [
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Invalid value: 10: activeDeadlineSeconds in ReplicaSet is not Supported',
  ]);
});

test('deployment strategy', () => {
  assert.deepEqual(errs(deployment(), (d) => { d.spec.strategy = { type: 'Recreate' }; }), []);
  assert.deepEqual(errs(deployment(), (d) => { d.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; }),
    ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0%: may not be 0 when `maxSurge` is 0']);
  assert.deepEqual(errs(deployment(), (d) => { d.spec.strategy = { rollingUpdate: { maxSurge: 'lots', maxUnavailable: '150%' } }; }), [
    "spec.strategy.rollingUpdate.maxSurge: Invalid value: lots: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 150%: must not be greater than 100%',
  ]);
  assert.deepEqual(errs(deployment(), (d) => { d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }),
    ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
  assert.deepEqual(errs(deployment(), (d) => { d.spec.strategy = { type: 'BlueGreen' }; }),
    ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"']);
  assert.deepEqual(errs(deployment(), (d) => { d.spec.progressDeadlineSeconds = 10; d.spec.minReadySeconds = 10; }),
    ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds']);
});

test('daemonset update strategy', () => {
  assert.deepEqual(errs(workload('DaemonSet'), (d) => { d.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' } }; }), []);
  assert.deepEqual(errs(workload('DaemonSet'), (d) => { d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }; }),
    ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
  assert.deepEqual(errs(workload('DaemonSet'), (d) => { d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }; }),
    ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
});

test('statefulset policies', () => {
  assert.deepEqual(errs(workload('StatefulSet'), (s) => {
    s.spec.podManagementPolicy = 'Parallel';
    s.spec.updateStrategy = { type: 'OnDelete' };
    s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
  }), []);
  assert.deepEqual(errs(workload('StatefulSet'), (s) => {
    s.spec.podManagementPolicy = 'Random';
    s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } };
    s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep' };
  }), [
    "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
  ]);
});

test('update: workload selectors are immutable', () => {
  for (const make of [deployment, () => workload('ReplicaSet'), () => workload('DaemonSet')]) {
    const old = make();
    createErrors(old);
    const next = clone(old);
    next.spec.replicas = 5;
    next.spec.template.spec.containers[0].image = 'nginx:1.28';
    assert.deepEqual(updateErrors(next, old), []);
    next.spec.selector = { matchLabels: { app: 'web', v: '2' } };
    next.spec.template.metadata.labels.v = '2';
    assert.deepEqual(lines(updateErrors(next, old)), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  }
});

test('update: a StatefulSet may only change replicas, template, strategy and a few more', () => {
  const old = workload('StatefulSet');
  old.spec.serviceName = 'web';
  createErrors(old);
  const next = clone(old);
  next.spec.replicas = 3;
  next.spec.template.spec.containers[0].image = 'nginx:1.28';
  next.spec.updateStrategy = { type: 'OnDelete' };
  next.spec.minReadySeconds = 5;
  assert.deepEqual(updateErrors(next, old), []);
  next.spec.serviceName = 'other';
  assert.deepEqual(lines(updateErrors(next, old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('status: counts are non-negative and consistent', () => {
  const old = deployment();
  createErrors(old);
  const next = clone(old);
  next.status = { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 };
  assert.deepEqual(statusErrors(next, old), []);
  next.status = { replicas: 1, updatedReplicas: 2, readyReplicas: -1, availableReplicas: 1 };
  assert.deepEqual(lines(statusErrors(next, old)), [
    'status.readyReplicas: Invalid value: -1: must be greater than or equal to 0',
    'status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 1: cannot be greater than readyReplicas',
  ]);
});

test('controller revisions need data and keep it', () => {
  const cr: Loose = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-1' }, revision: 1, data: { spec: {} } };
  assert.deepEqual(createErrors(cr), []);
  const next = clone(cr);
  next.data = { spec: { x: 1 } };
  assert.equal(lines(updateErrors(next, cr))[0], 'data: Invalid value: {"spec":{"x":1}}: field is immutable');
  delete next.data;
  next.revision = -1;
  assert.deepEqual(lines(createErrors(next)), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
});

test('statefulset: mounts of a volumeClaimTemplate validate; mounts of nothing do not', () => {
  const withClaim = errs(workload('StatefulSet'), (s) => {
    const spec = s.spec as { template: { spec: { containers: Array<{ volumeMounts?: unknown[] }> } }; volumeClaimTemplates?: unknown[] };
    spec.template.spec.containers[0].volumeMounts = [{ name: 'www', mountPath: '/data' }];
    spec.volumeClaimTemplates = [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
  });
  assert.deepEqual(withClaim, []);
  const dangling = errs(workload('StatefulSet'), (s) => {
    const spec = s.spec as { template: { spec: { containers: Array<{ volumeMounts?: unknown[] }> } } };
    spec.template.spec.containers[0].volumeMounts = [{ name: 'www', mountPath: '/data' }];
  });
  assert.equal(dangling.length, 1);
  assert.match(dangling[0], /volumeMounts\[0\]\.name: Not found: "www"/);
});
