import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import { computePodStatus, type StatusInput } from './status.js';
import { podProgress } from './decisions.js';
import { instancesOf, type ObservedContainer } from './runtime/types.js';

const NOW = '2024-01-01T00:01:00Z';

function pod(extra: Partial<Pod['spec']> = {}, status?: Pod['status']): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], restartPolicy: 'Always', ...extra },
    status,
  };
}

function c(p: Partial<ObservedContainer>): ObservedContainer {
  return {
    id: 'id-' + (p.name ?? 'app') + (p.attempt ?? 0), podUid: 'u1', podName: 'p', podNamespace: 'default', name: 'app', type: 'app',
    attempt: 0, specHash: 'h', backoffStep: -1, state: 'running', image: 'busybox', imageId: 'sha256:abc',
    startedAt: '2024-01-01T00:00:10.123456789Z', ...p,
  };
}

const sandbox = c({ id: 'pause', name: 'POD', type: 'sandbox', ip: '10.244.0.5' });

function input(p: Pod, observed: ObservedContainer[], extra: Partial<StatusInput> = {}): StatusInput {
  const all = [sandbox, ...observed];
  return {
    pod: p, now: NOW, hostIP: '10.0.0.1', sandbox, observed: all, waiting: new Map(),
    probes: () => ({ ready: true, started: true }), terminationMessage: () => undefined, qosClass: 'BestEffort',
    progress: podProgress(p.spec.restartPolicy ?? 'Always', p.spec.initContainers ?? [], p.spec.containers,
      (n, i) => instancesOf(all, n, i ? 'init' : 'app')[0]),
    ...extra,
  };
}

test('a running, ready pod', () => {
  const s = computePodStatus(input(pod(), [c({})]));
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.0.5');
  assert.deepEqual(s.podIPs, [{ ip: '10.244.0.5' }]);
  assert.equal(s.startTime, NOW);
  assert.equal(s.qosClass, 'BestEffort');
  const cs = s.containerStatuses![0];
  assert.deepEqual(cs.state, { running: { startedAt: '2024-01-01T00:00:10Z' } });
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.containerID, 'docker://id-app0');
  assert.equal(cs.imageID, 'docker://sha256:abc');
  const byType = Object.fromEntries(s.conditions!.map((x) => [x.type, x.status]));
  assert.deepEqual(byType, { PodReadyToStartContainers: 'True', Initialized: 'True', ContainersReady: 'True', Ready: 'True', PodScheduled: 'True' });
});

test('readiness failure turns Ready false and keeps lastTransitionTime when unchanged', () => {
  const prevConds = [{ type: 'Ready', status: 'False' as const, lastTransitionTime: '2023-12-31T00:00:00Z' }];
  const s = computePodStatus(input(pod({}, { conditions: prevConds }), [c({})], { probes: () => ({ ready: false, started: true }) }));
  const ready = s.conditions!.find((x) => x.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [app]');
  assert.equal(ready.lastTransitionTime, '2023-12-31T00:00:00Z');
  assert.equal(s.phase, 'Running');
});

test('CrashLoopBackOff: waiting with the last termination, phase Running, restartCount from the attempt', () => {
  const dead = c({ attempt: 1, state: 'exited', exitCode: 2, finishedAt: '2024-01-01T00:00:20Z' });
  const old = c({ attempt: 0, state: 'exited', exitCode: 2, finishedAt: '2024-01-01T00:00:15Z' });
  const waiting = new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_default(u1)' }]]);
  const s = computePodStatus(input(pod(), [dead, old], { waiting }));
  const cs = s.containerStatuses![0];
  assert.equal(cs.state!.waiting!.reason, 'CrashLoopBackOff');
  assert.equal(cs.lastState!.terminated!.exitCode, 2);
  assert.equal(cs.lastState!.terminated!.reason, 'Error');
  assert.equal(cs.restartCount, 1);
  assert.equal(s.phase, 'Running');
});

test('restartPolicy Never: a failed container fails the pod; all-zero succeeds', () => {
  const failed = computePodStatus(input(pod({ restartPolicy: 'Never' }), [c({ state: 'exited', exitCode: 1, finishedAt: NOW })]));
  assert.equal(failed.phase, 'Failed');
  assert.equal(failed.containerStatuses![0].state!.terminated!.reason, 'Error');
  const ok = computePodStatus(input(pod({ restartPolicy: 'Never' }), [c({ state: 'exited', exitCode: 0, finishedAt: NOW })]));
  assert.equal(ok.phase, 'Succeeded');
  assert.equal(ok.conditions!.find((x) => x.type === 'Ready')!.reason, 'PodCompleted');
});

test('image pull errors keep the pod Pending', () => {
  const waiting = new Map([['app', { reason: 'ErrImagePull', message: 'pull access denied' }]]);
  const s = computePodStatus(input(pod(), [], { waiting }));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses![0].state, { waiting: { reason: 'ErrImagePull', message: 'pull access denied' } });
});

test('init containers: running init keeps the pod Pending and app waiting PodInitializing', () => {
  const p = pod({ initContainers: [{ name: 'init', image: 'busybox' }] });
  const s = computePodStatus(input(p, [c({ name: 'init', type: 'init' })]));
  assert.equal(s.phase, 'Pending');
  assert.equal(s.containerStatuses![0].state!.waiting!.reason, 'PodInitializing');
  const init = s.conditions!.find((x) => x.type === 'Initialized')!;
  assert.equal(init.status, 'False');
  assert.equal(init.message, 'containers with incomplete status: [init]');
  const done = computePodStatus(input(p, [c({ name: 'init', type: 'init', state: 'exited', exitCode: 0 }), c({})]));
  assert.equal(done.phase, 'Running');
  assert.equal(done.initContainerStatuses![0].ready, true);
  assert.equal(done.initContainerStatuses![0].state!.terminated!.reason, 'Completed');
});

test('a terminal phase stays terminal', () => {
  const s = computePodStatus(input(pod({}, { phase: 'Succeeded' }), [c({})]));
  assert.equal(s.phase, 'Succeeded');
});

test('termination message and OOMKilled reason', () => {
  const dead = c({ state: 'exited', exitCode: 137, oomKilled: true, finishedAt: NOW });
  const s = computePodStatus(input(pod({ restartPolicy: 'Never' }), [dead], { terminationMessage: () => 'bye' }));
  assert.deepEqual(s.containerStatuses![0].state!.terminated, {
    exitCode: 137, reason: 'OOMKilled', message: 'bye', startedAt: '2024-01-01T00:00:10Z', finishedAt: NOW, containerID: 'docker://id-app0',
  });
});
