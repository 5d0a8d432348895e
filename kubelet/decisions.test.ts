import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideContainer, podProgress, shouldRestart } from './decisions.js';
import type { ObservedContainer } from './runtime/types.js';

function inst(p: Partial<ObservedContainer>): ObservedContainer {
  return {
    id: 'c1', podUid: 'u', podName: 'p', podNamespace: 'default', name: 'app', type: 'app', attempt: 0,
    specHash: 'h', backoffStep: -1, state: 'running', image: 'i', imageId: 'sha256:x', ...p,
  };
}

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('restart policy per exit code', () => {
  assert.equal(shouldRestart('Always', false, 0), true);
  assert.equal(shouldRestart('OnFailure', false, 0), false);
  assert.equal(shouldRestart('OnFailure', false, 1), true);
  assert.equal(shouldRestart('Never', false, 1), false);
  assert.equal(shouldRestart('Always', true, 0), false);
  assert.equal(shouldRestart('Always', true, 2), true);
  assert.equal(shouldRestart('Never', true, 2), false);
});

test('first start, keep running, kill on failed liveness or changed spec', () => {
  const base = { restartPolicy: 'Always' as const, isInit: false, specHash: 'h', now: T0 };
  assert.deepEqual(decideContainer({ ...base, instances: [] }), { kind: 'start', attempt: 0, backoffStep: -1 });
  assert.deepEqual(decideContainer({ ...base, instances: [inst({})] }), { kind: 'keep' });
  assert.deepEqual(decideContainer({ ...base, instances: [inst({})], livenessFailed: true }), { kind: 'kill', id: 'c1', reason: 'liveness' });
  assert.deepEqual(decideContainer({ ...base, specHash: 'h2', instances: [inst({})] }), { kind: 'kill', id: 'c1', reason: 'spec-changed' });
});

test('first crash restarts at once, the second waits 10 s (CrashLoopBackOff)', () => {
  const base = { restartPolicy: 'Always' as const, isInit: false, specHash: 'h' };
  const dead0 = inst({ state: 'exited', exitCode: 1, startedAt: iso(T0), finishedAt: iso(T0 + 1000) });
  assert.deepEqual(decideContainer({ ...base, now: T0 + 1500, instances: [dead0] }), { kind: 'start', attempt: 1, backoffStep: 0 });
  const dead1 = inst({ attempt: 1, backoffStep: 0, state: 'exited', exitCode: 1, startedAt: iso(T0 + 2000), finishedAt: iso(T0 + 3000) });
  assert.deepEqual(decideContainer({ ...base, now: T0 + 4000, instances: [dead1, dead0] }), { kind: 'wait', until: T0 + 13_000, attempt: 2, delayMs: 10_000 });
  assert.deepEqual(decideContainer({ ...base, now: T0 + 13_000, instances: [dead1, dead0] }), { kind: 'start', attempt: 2, backoffStep: 1 });
});

test('OnFailure keeps a container that exited 0; Never keeps a failed one', () => {
  const ok = inst({ state: 'exited', exitCode: 0, finishedAt: iso(T0) });
  assert.deepEqual(decideContainer({ restartPolicy: 'OnFailure', isInit: false, specHash: 'h', now: T0, instances: [ok] }), { kind: 'keep' });
  const bad = inst({ state: 'exited', exitCode: 3, finishedAt: iso(T0) });
  assert.deepEqual(decideContainer({ restartPolicy: 'Never', isInit: false, specHash: 'h', now: T0, instances: [bad] }), { kind: 'keep' });
});

test('created-but-never-started is started again under the same attempt', () => {
  const c = inst({ state: 'created', attempt: 2, backoffStep: 1 });
  assert.deepEqual(decideContainer({ restartPolicy: 'Always', isInit: false, specHash: 'h', now: T0, instances: [c] }),
    { kind: 'start', attempt: 2, backoffStep: 1, replaceId: 'c1' });
});

test('podProgress: init order, init failure under Never, terminal pods', () => {
  const init = [{ name: 'i1' }, { name: 'i2' }];
  const app = [{ name: 'a' }];
  const none = () => undefined;
  assert.deepEqual(podProgress('Always', init, app, none), { initialized: false, initFailed: false, terminal: false });
  const initOk = (n: string, isInit: boolean) => (isInit ? inst({ name: n, type: 'init', state: 'exited', exitCode: 0 }) : undefined);
  assert.deepEqual(podProgress('Always', init, app, initOk), { initialized: true, initFailed: false, terminal: false });
  const initBad = (n: string, isInit: boolean) => (isInit ? inst({ name: n, type: 'init', state: 'exited', exitCode: 1 }) : undefined);
  assert.deepEqual(podProgress('Never', init, app, initBad), { initialized: false, initFailed: true, terminal: true });
  assert.equal(podProgress('OnFailure', init, app, initBad).terminal, false);
  const allDone = (n: string, isInit: boolean) => inst({ name: n, type: isInit ? 'init' : 'app', state: 'exited', exitCode: 0 });
  assert.equal(podProgress('OnFailure', init, app, allDone).terminal, true);
  assert.equal(podProgress('Always', init, app, allDone).terminal, false);
});
