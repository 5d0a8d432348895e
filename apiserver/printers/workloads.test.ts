import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/meta.js';
import { H, M, S, ago, obj, rowOf, table } from './testutil.js';

const template = { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } };

test('deployment 2/3 with wide columns', () => {
  const d = obj('web', {
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  });
  const t = table('apps', 'v1', 'deployments', [d]);
  assert.deepEqual(
    t.columnDefinitions.map((c) => `${c.name}:${c.priority}`),
    ['Name:0', 'Ready:0', 'Up-to-date:0', 'Available:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1'],
  );
  assert.deepEqual(t.rows[0]?.cells, ['web', '2/3', 3, 2, '5m', 'nginx,side', 'nginx:1.27,busybox', 'app=web']);
});

test('deployment with no status and expression selector', () => {
  const d = obj('api', {
    spec: {
      selector: { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'canary', operator: 'DoesNotExist' }] },
      template,
    },
  });
  const r = rowOf('apps', 'v1', 'deployments', d);
  assert.equal(r['Ready'], '0/1');
  assert.equal(r['Up-to-date'], 0);
  assert.equal(r['Selector'], 'app=api,!canary,env in (dev,prod)');
});

test('replicaset, daemonset, statefulset, replicationcontroller', () => {
  const rs = obj('web-5d4f', { spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f' } }, template }, status: { replicas: 3, readyReplicas: 1 } });
  assert.deepEqual(table('apps', 'v1', 'replicasets', [rs]).rows[0]?.cells, ['web-5d4f', 3, 3, 1, '5m', 'nginx,side', 'nginx:1.27,busybox', 'app=web,pod-template-hash=5d4f']);

  const ds = obj('agent', {
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } } },
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
  });
  const dsTable = table('apps', 'v1', 'daemonsets', [ds]);
  assert.deepEqual(dsTable.columnDefinitions.map((c) => c.name).slice(0, 8), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age']);
  assert.deepEqual(dsTable.rows[0]?.cells, ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '5m', 'a', 'agent:1', 'app=agent']);

  const sts = obj('db', { spec: { replicas: 3, template }, status: { readyReplicas: 3 } });
  assert.deepEqual(table('apps', 'v1', 'statefulsets', [sts]).rows[0]?.cells, ['db', '3/3', '5m', 'nginx,side', 'nginx:1.27,busybox']);

  const rc = obj('old', { spec: { replicas: 2, selector: { app: 'old' }, template }, status: { replicas: 2, readyReplicas: 2 } });
  assert.deepEqual(table('', 'v1', 'replicationcontrollers', [rc]).rows[0]?.cells, ['old', 2, 2, 2, '5m', 'nginx,side', 'nginx:1.27,busybox', 'app=old']);
});

test('controllerrevision names its controller as kind.group/name', () => {
  const cr = obj('db-7b9', {
    revision: 2,
    metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] },
  });
  assert.deepEqual(table('apps', 'v1', 'controllerrevisions', [cr]).rows[0]?.cells, ['db-7b9', 'statefulset.apps/db', 2, '5m']);
  assert.equal(rowOf('apps', 'v1', 'controllerrevisions', obj('orphan', { revision: 1 }))['Controller'], '<none>');
});

test('job Complete 5/5 with duration, running and failed jobs', () => {
  const complete = obj('pi', {
    spec: { completions: 5, parallelism: 2, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template },
    status: { succeeded: 5, startTime: ago(10 * M), completionTime: ago(10 * M - 47 * S), conditions: [{ type: 'Complete', status: 'True' }] },
  });
  const t = table('batch', 'v1', 'jobs', [complete]);
  assert.deepEqual(t.columnDefinitions.map((c) => c.name).slice(0, 5), ['Name', 'Status', 'Completions', 'Duration', 'Age']);
  assert.deepEqual(t.rows[0]?.cells, ['pi', 'Complete', '5/5', '47s', '5m', 'nginx,side', 'nginx:1.27,busybox', 'batch.kubernetes.io/controller-uid=abc']);

  const running = rowOf('batch', 'v1', 'jobs', obj('r', { spec: { completions: 1, template }, status: { startTime: ago(3 * M), active: 1 } }));
  assert.equal(running['Status'], 'Running');
  assert.equal(running['Completions'], '0/1');
  assert.equal(running['Duration'], '3m');

  const failed = rowOf('batch', 'v1', 'jobs', obj('f', { spec: { template }, status: { conditions: [{ type: 'Failed', status: 'True' }] } }));
  assert.equal(failed['Status'], 'Failed');
  assert.equal(failed['Completions'], '0/1');
  assert.equal(failed['Duration'], '');

  const suspended = rowOf('batch', 'v1', 'jobs', obj('s', { spec: { parallelism: 3, template }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }));
  assert.equal(suspended['Status'], 'Suspended');
  assert.equal(suspended['Completions'], '0/1 of 3');
});

test('cronjob columns', () => {
  const cj = obj('backup', {
    spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
    status: { active: [{ name: 'backup-1' }], lastScheduleTime: ago(2 * M + 10 * S) },
  });
  const t = table('batch', 'v1', 'cronjobs', [cj]);
  assert.deepEqual(
    t.columnDefinitions.map((c) => c.name),
    ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector'],
  );
  assert.deepEqual(t.rows[0]?.cells, ['backup', '*/5 * * * *', '<none>', 'False', 1, '2m10s', '5m', 'nginx,side', 'nginx:1.27,busybox', '<none>']);
  const fresh = rowOf('batch', 'v1', 'cronjobs', obj('n', { spec: { schedule: '@daily', timeZone: 'Etc/UTC', jobTemplate: { spec: { template } } } }));
  assert.equal(fresh['Last Schedule'], '<none>');
  assert.equal(fresh['Suspend'], '<unset>');
  assert.equal(fresh['Timezone'], 'Etc/UTC');
});

test('HPA v2 targets: known, unknown, several metrics', () => {
  const spec = {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
  };
  const t = table('autoscaling', 'v2', 'horizontalpodautoscalers', [
    obj('web', { spec, status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 85, averageValue: '170m' } } }] } }, 2 * H),
  ]);
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  assert.deepEqual(t.rows[0]?.cells, ['web', 'Deployment/web', 'cpu: 85%/50%', '1', 10, 3, '120m']);

  const unknown = rowOf('autoscaling', 'v2', 'horizontalpodautoscalers', obj('web', { spec, status: {} }));
  assert.equal(unknown['Targets'], 'cpu: <unknown>/50%');

  const many = {
    ...spec,
    minReplicas: undefined,
    metrics: [
      ...spec.metrics,
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
    ],
  };
  const r = rowOf('autoscaling', 'v2', 'horizontalpodautoscalers', obj('web', { spec: many, status: {} }));
  assert.equal(r['Targets'], 'cpu: <unknown>/50%, memory: <unknown>/200Mi + 1 more...');
  assert.equal(r['MinPods'], '<unset>');
  assert.equal(rowOf('autoscaling', 'v2', 'horizontalpodautoscalers', obj('x', { spec: { maxReplicas: 3 } }))['Targets'], '<none>');
});

test('HPA stored as autoscaling/v1 prints like v2', () => {
  const v1 = obj('web', {
    apiVersion: 'autoscaling/v1',
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 2, currentCPUUtilizationPercentage: 12 },
  });
  const r = rowOf('autoscaling', 'v1', 'horizontalpodautoscalers', v1);
  assert.equal(r['Targets'], 'cpu: 12%/50%');
  assert.equal(r['Replicas'], 2);
});
