import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { RestClient } from '../client/index.js';
import type { Event } from '../api/types/index.js';
import { EventRecorder } from './events.js';

test('a repeated event bumps the count of the first one instead of creating another', async () => {
  const created: Event[] = [];
  const patched: Array<{ name: string; body: { count: number } }> = [];
  const client = {
    create: async (_i: unknown, _ns: string, ev: Event) => (created.push(ev), ev),
    patch: async (_i: unknown, _ns: string, name: string, body: { count: number }) => (patched.push({ name, body }), {}),
  } as unknown as RestClient;
  const rec = new EventRecorder(client, 'n1', pino({ level: 'silent' }));
  const pod = { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' };
  rec.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'spec.containers{app}');
  await rec.flush();
  rec.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'spec.containers{app}');
  rec.record(pod, 'Normal', 'Started', 'Started container app', 'spec.containers{app}');
  await rec.flush();
  assert.equal(created.length, 2);
  const ev = created[0];
  assert.equal(ev.involvedObject.fieldPath, 'spec.containers{app}');
  assert.equal(ev.source?.component, 'kubelet');
  assert.equal(ev.source?.host, 'n1');
  assert.equal(ev.reportingComponent, 'kubelet');
  assert.equal(ev.count, 1);
  assert.match(ev.metadata.name!, /^web\.[0-9a-f]+$/);
  assert.deepEqual(patched.map((p) => [p.name, p.body.count]), [[ev.metadata.name, 2]]);
});
