import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RestClient } from './rest.js';
import { EventRecorder, MAX_QUEUED_EVENTS, eventName } from './events.js';

test('eventName: client-go style <object>.<UnixNano hex>, never repeating within the process', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) seen.add(eventName('web-1'));
  assert.equal(seen.size, 20_000);
  const name = eventName('web-1');
  const m = /^web-1\.([0-9a-f]+)$/.exec(name);
  assert.ok(m, name);
  const ms = Number(BigInt(`0x${m[1]}`) / 1_000_000n);
  assert.ok(Math.abs(ms - Date.now()) < 5000, `the suffix is the time in ns (${ms})`);
  assert.ok(eventName('web-1') > name || eventName('web-1').length > name.length, 'increasing');
});

test('EventRecorder drops new events while MAX_QUEUED_EVENTS wait to be written, then writes again', async () => {
  const waiting: Array<() => void> = [];
  const created: string[] = [];
  const client = {
    create: (_i: unknown, _ns: string, ev: { involvedObject: { name: string } }) => {
      created.push(ev.involvedObject.name);
      return new Promise((resolve) => waiting.push(() => resolve(ev)));
    },
    patch: async () => ({}),
  } as unknown as RestClient;
  const rec = new EventRecorder(client, { component: 'test-scheduler' });
  const pod = (i: number) => ({ kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default', uid: `u${i}` } });
  const all: Array<Promise<void>> = [];
  for (let i = 0; i < MAX_QUEUED_EVENTS + 5; i++) all.push(rec.record(pod(i), 'Normal', 'Scheduled', `assigned p${i}`));
  assert.equal(created.length, MAX_QUEUED_EVENTS);
  assert.equal(rec.dropped, 5);
  assert.deepEqual(created.slice(-1), [`p${MAX_QUEUED_EVENTS - 1}`], 'the oldest are kept, the newest dropped');
  for (const release of waiting.splice(0)) release();
  await Promise.all(all);
  const late = rec.record(pod(99_999), 'Normal', 'Scheduled', 'assigned p99999');
  assert.equal(created.at(-1), 'p99999', 'written once the queue drained');
  waiting.splice(0).forEach((release) => release());
  await late;
  assert.equal(rec.dropped, 5);
});
