import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/meta.js';
import { M, S, ago, obj, rowOf, table } from './testutil.js';

const running = { running: { startedAt: ago(4 * M) } };

function pod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>, meta: KubeObject['metadata'] = {}): KubeObject {
  return obj(name, { apiVersion: 'v1', kind: 'Pod', spec, status, metadata: meta });
}

const podRow = (p: KubeObject) => rowOf('', 'v1', 'pods', p);

test('running pod: ready count, status, restarts, age and wide columns', () => {
  const p = pod(
    'web-1',
    { nodeName: 'node-a', containers: [{ name: 'a' }, { name: 'b' }] },
    {
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 0, state: running },
        { name: 'b', ready: false, restartCount: 0, state: running },
      ],
    },
  );
  const t = table('', 'v1', 'pods', [p]);
  assert.deepEqual(
    t.columnDefinitions.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1]],
  );
  assert.equal(t.columnDefinitions[0]?.format, 'name');
  assert.deepEqual(t.rows[0]?.cells, ['web-1', '1/2', 'Running', '0', '5m', '10.244.0.5', 'node-a', '<none>', '<none>']);
});

test('crashlooping pod shows the waiting reason and restarts with the latest restart time', () => {
  const p = pod(
    'crash',
    { containers: [{ name: 'a' }, { name: 'b' }] },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'a',
          ready: false,
          restartCount: 2,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * M) } },
        },
        {
          name: 'b',
          ready: true,
          restartCount: 1,
          state: running,
          lastState: { terminated: { exitCode: 1, finishedAt: ago(50 * S) } },
        },
      ],
    },
  );
  const r = podRow(p);
  assert.equal(r['Status'], 'CrashLoopBackOff');
  assert.equal(r['Ready'], '1/2');
  assert.equal(r['Restarts'], '3 (50s ago)');
});

test('container waiting and terminated reasons', () => {
  const status = (state: unknown) => ({ phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state }] });
  const cases: [unknown, string][] = [
    [{ waiting: { reason: 'ContainerCreating' } }, 'ContainerCreating'],
    [{ waiting: { reason: 'ErrImagePull' } }, 'ErrImagePull'],
    [{ waiting: { reason: 'CreateContainerError' } }, 'CreateContainerError'],
    [{ terminated: { exitCode: 0, reason: 'Completed' } }, 'Completed'],
    [{ terminated: { exitCode: 1, reason: 'Error' } }, 'Error'],
    [{ terminated: { exitCode: 137, signal: 9 } }, 'Signal:9'],
    [{ terminated: { exitCode: 3 } }, 'ExitCode:3'],
  ];
  for (const [state, want] of cases) {
    assert.equal(podRow(pod('p', { containers: [{ name: 'a' }] }, status(state)))['Status'], want);
  }
});

test('pending pod with no statuses shows its phase; reason overrides phase', () => {
  assert.equal(podRow(pod('p', { containers: [{ name: 'a' }] }, { phase: 'Pending' }))['Status'], 'Pending');
  assert.equal(podRow(pod('p', { containers: [{ name: 'a' }] }, { phase: 'Failed', reason: 'Evicted' }))['Status'], 'Evicted');
  const gated = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] };
  assert.equal(podRow(pod('p', { containers: [{ name: 'a' }] }, gated))['Status'], 'SchedulingGated');
});

test('completed pod that still has a running container shows Running or NotReady', () => {
  const statuses = [
    { name: 'a', ready: true, restartCount: 0, state: running },
    { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
  ];
  const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
  assert.equal(podRow(pod('p', spec, { phase: 'Running', containerStatuses: statuses }))['Status'], 'NotReady');
  const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses };
  assert.equal(podRow(pod('p', spec, ready))['Status'], 'Running');
});

test('terminating pod, and NodeLost pod being deleted shows Unknown', () => {
  const deleting = { deletionTimestamp: ago(1 * S) };
  const statuses = [{ name: 'a', ready: true, restartCount: 0, state: running }];
  const spec = { containers: [{ name: 'a' }] };
  assert.equal(podRow(pod('p', spec, { phase: 'Running', containerStatuses: statuses }, deleting))['Status'], 'Terminating');
  assert.equal(podRow(pod('p', spec, { phase: 'Running', reason: 'NodeLost' }, deleting))['Status'], 'Unknown');
  // Terminal pods keep their final status while being deleted.
  const done = { phase: 'Succeeded', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
  assert.equal(podRow(pod('p', spec, done, deleting))['Status'], 'Completed');
});

test('init containers: progress, waiting reason, failure', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };
  const inits = (second: unknown) => ({
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'i2', restartCount: 0, state: second },
    ],
    containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
  });
  assert.equal(podRow(pod('p', spec, inits({ running: {} })))['Status'], 'Init:1/2');
  assert.equal(podRow(pod('p', spec, inits({ waiting: { reason: 'PodInitializing' } })))['Status'], 'Init:1/2');
  assert.equal(podRow(pod('p', spec, inits({ waiting: { reason: 'CrashLoopBackOff' } })))['Status'], 'Init:CrashLoopBackOff');
  assert.equal(podRow(pod('p', spec, inits({ terminated: { exitCode: 1, reason: 'Error' } })))['Status'], 'Init:Error');
  assert.equal(podRow(pod('p', spec, inits({ terminated: { exitCode: 2 } })))['Status'], 'Init:ExitCode:2');
  const first = {
    phase: 'Pending',
    initContainerStatuses: [{ name: 'i1', restartCount: 4, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * M) } } }],
  };
  const r = podRow(pod('p', { initContainers: [{ name: 'i1' }], containers: [{ name: 'a' }] }, first));
  assert.equal(r['Status'], 'Init:0/1');
  assert.equal(r['Restarts'], '4 (2m ago)');
});

test('sidecar (restartable init) containers count towards Ready', () => {
  const spec = { initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'a' }] };
  const status = {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [{ name: 'side', started: true, ready: true, restartCount: 1, state: running }],
    containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: running }],
  };
  const r = podRow(pod('p', spec, status));
  assert.equal(r['Ready'], '2/2');
  assert.equal(r['Status'], 'Running');
  assert.equal(r['Restarts'], '1');
});

test('readiness gates and nominated node', () => {
  const p = pod(
    'p',
    { containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'x/one' }, { conditionType: 'x/two' }] },
    { phase: 'Pending', nominatedNodeName: 'node-b', conditions: [{ type: 'x/one', status: 'True' }, { type: 'x/two', status: 'False' }] },
  );
  const r = podRow(p);
  assert.equal(r['Readiness Gates'], '1/2');
  assert.equal(r['Nominated Node'], 'node-b');
  assert.equal(r['IP'], '<none>');
  assert.equal(r['Node'], '<none>');
});

test('succeeded and failed pods carry a Completed row condition', () => {
  const t = table('', 'v1', 'pods', [pod('p', { containers: [] }, { phase: 'Succeeded' })]);
  assert.equal(t.rows[0]?.conditions?.[0]?.reason, 'Succeeded');
  const running2 = table('', 'v1', 'pods', [pod('p', { containers: [] }, { phase: 'Running' })]);
  assert.equal(running2.rows[0]?.conditions, undefined);
});
