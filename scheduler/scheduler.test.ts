import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ApiError, statusOf } from '../api/errors.js';
import type { RestClient } from '../client/index.js';
import { newPodInfo } from './pod-info.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './test-fixtures.js';

interface Call {
  verb: string;
  name: string;
  body: unknown;
}

/** Records calls; binds wait for the test to settle them. */
function fakeClient() {
  const calls: Call[] = [];
  const pendingBinds: Array<{ name: string; node: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  const client = {
    createSubresource(_info: unknown, _ns: string, name: string, _sub: string, body: { target: { name: string } }) {
      calls.push({ verb: 'bind', name, body });
      return new Promise<void>((resolve, reject) => pendingBinds.push({ name, node: body.target.name, resolve, reject }));
    },
    patch(_info: unknown, _ns: string, name: string, body: unknown) {
      calls.push({ verb: 'patch', name, body });
      return Promise.resolve({});
    },
    create(_info: unknown, _ns: string, body: unknown) {
      calls.push({ verb: 'create', name: (body as { involvedObject?: { name: string } }).involvedObject?.name ?? '', body });
      return Promise.resolve(body);
    },
  };
  return { client: client as unknown as RestClient, calls, pendingBinds };
}

function setup(nodes = [makeNode('n1', { cpu: '1' }), makeNode('n2', { cpu: '1' })]) {
  const f = fakeClient();
  const s = new Scheduler({ client: f.client, reportClient: f.client, logger: pino({ level: 'silent' }), schedulerName: 'default-scheduler' });
  for (const n of nodes) s.cache.setNode(n);
  return { s, ...f };
}

const tick = () => new Promise((r) => setImmediate(r));

async function cycle(s: Scheduler): Promise<void> {
  const q = await s.queue.pop();
  assert.ok(q);
  s.scheduleOne(q);
}

test('assumed pods count before their bindings return: the next pod goes elsewhere, the third fits nowhere', async () => {
  const { s, calls, pendingBinds } = setup();
  for (const name of ['a', 'b', 'c']) s.queue.addOrUpdate(newPodInfo(makePod(name, { cpu: '1', created: `2026-01-01T00:00:0${name.charCodeAt(0) - 97}Z` })));
  await cycle(s);
  await cycle(s);
  assert.deepEqual(pendingBinds.map((b) => b.node).sort(), ['n1', 'n2']);
  await cycle(s);
  assert.equal(s.counters.unschedulable, 1);
  const patch = calls.find((c) => c.verb === 'patch' && c.name === 'c')!.body as { status: { conditions: Array<{ message: string; reason: string }> } };
  assert.equal(patch.status.conditions[0].message, '0/2 nodes are available: 2 Insufficient cpu.');
  assert.equal(patch.status.conditions[0].reason, 'Unschedulable');
  const failed = calls.find((c) => c.verb === 'create' && c.name === 'c')!.body as { reason: string; type: string };
  assert.equal(failed.reason, 'FailedScheduling');
  assert.equal(failed.type, 'Warning');

  for (const b of pendingBinds) b.resolve();
  await tick();
  assert.equal(s.counters.bound, 2);
  const scheduled = calls.filter((c) => c.verb === 'create' && (c.body as { reason: string }).reason === 'Scheduled');
  assert.equal(scheduled.length, 2);
  assert.match((scheduled[0].body as { message: string }).message, /^Successfully assigned default\/[ab] to n[12]$/);
  assert.deepEqual(s.queue.stats(), { active: 0, backoff: 0, unschedulable: 1, inFlight: 0 });
  s.queue.close();
});

test('a failed binding un-assumes the pod and retries it after backoff', async () => {
  const { s, calls, pendingBinds } = setup([makeNode('n1', { cpu: '1' })]);
  s.queue.addOrUpdate(newPodInfo(makePod('a', { cpu: '1' })));
  await cycle(s);
  assert.equal(s.cache.getNode('n1')!.requested.milliCPU, 1000);
  pendingBinds[0].reject(new ApiError(statusOf(500, 'InternalError', 'disk full')));
  await tick();
  assert.equal(s.cache.getNode('n1')!.requested.milliCPU, 0);
  assert.equal(s.counters.bindErrors, 1);
  assert.equal(s.queue.stats().backoff, 1);
  const ev = calls.find((c) => c.verb === 'create')!.body as { reason: string; message: string };
  assert.equal(ev.reason, 'FailedScheduling');
  assert.equal(ev.message, 'Binding rejected: disk full');
  s.queue.close();
});

test('"already assigned" (409) forgets the pod without retrying', async () => {
  const { s, pendingBinds } = setup([makeNode('n1')]);
  s.queue.addOrUpdate(newPodInfo(makePod('a', { cpu: '1' })));
  await cycle(s);
  pendingBinds[0].reject(new ApiError(statusOf(409, 'Conflict', 'pod a is already assigned to node "n9"')));
  await tick();
  assert.equal(s.counters.bindConflicts, 1);
  assert.equal(s.cache.podCount, 0);
  assert.deepEqual(s.queue.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  s.queue.close();
});

test('pods already assigned, being deleted, or gone from the informer are skipped', async () => {
  const f = fakeClient();
  const pending = new Map<string, ReturnType<typeof makePod>>();
  const s = new Scheduler({
    client: f.client, reportClient: f.client, logger: pino({ level: 'silent' }), schedulerName: 'default-scheduler',
    lookupPending: (key) => pending.get(key),
  });
  s.cache.setNode(makeNode('n1'));
  const gone = makePod('gone');
  const deleting = makePod('deleting');
  deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  pending.set('default/deleting', deleting);
  for (const p of [gone, deleting]) s.queue.addOrUpdate(newPodInfo(p));
  await cycle(s);
  await cycle(s);
  assert.equal(f.calls.length, 0);
  assert.equal(s.queue.stats().inFlight, 0);
  s.queue.close();
});

test('only resource and port shortages are worth retrying when a pod goes away', async () => {
  const { podDeleteMayHelp } = await import('./scheduler.js');
  assert.equal(podDeleteMayHelp(['Insufficient cpu']), true);
  assert.equal(podDeleteMayHelp(['Too many pods', "node(s) didn't match Pod's node affinity/selector"]), true);
  assert.equal(podDeleteMayHelp(["node(s) didn't have free ports for the requested pod ports"]), true);
  assert.equal(podDeleteMayHelp(['node(s) had untolerated taint {a: b}', 'node(s) were unschedulable']), false);
});
