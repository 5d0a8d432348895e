import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Pod, PodStatus } from '../api/types/index.js';
import { ApiError, statusOf } from '../api/errors.js';
import type { RestClient } from '../client/index.js';
import { StatusManager } from './status-manager.js';

const log = pino({ level: 'silent' });

function fakeClient(server: Pod) {
  const patches: Array<{ body: { metadata: { resourceVersion?: string; uid?: string }; status: Record<string, unknown> } }> = [];
  let conflicts = 0;
  const client = {
    patch: async (_info: unknown, _ns: string, _name: string, body: (typeof patches)[number]['body']) => {
      patches.push({ body });
      if (conflicts > 0) {
        conflicts--;
        server.metadata.resourceVersion = String(Number(server.metadata.resourceVersion) + 1);
        throw new ApiError(statusOf(409, 'Conflict', 'the object has been modified'));
      }
      const next: Pod = { ...server, metadata: { ...server.metadata, resourceVersion: String(Number(server.metadata.resourceVersion) + 1) }, status: { ...server.status } };
      for (const [k, v] of Object.entries(body.status)) {
        if (v === null) delete (next.status as Record<string, unknown>)[k];
        else (next.status as Record<string, unknown>)[k] = v;
      }
      Object.assign(server, next);
      return next;
    },
    get: async () => JSON.parse(JSON.stringify(server)) as Pod,
  };
  return { client: client as unknown as RestClient, patches, conflict: (n: number) => (conflicts = n) };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const target = { namespace: 'default', name: 'p', uid: 'u1' };

test('writes only when the status differs, clears fields it no longer reports, keeps foreign conditions', async () => {
  const server: Pod = {
    metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '5' },
    spec: { containers: [] },
    status: { phase: 'Pending', message: 'old', conditions: [{ type: 'example.com/gate', status: 'True' }] },
  };
  const { client, patches } = fakeClient(server);
  const sm = new StatusManager(client, log);
  const desired: PodStatus = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  sm.set('u1', target, desired, JSON.parse(JSON.stringify(server)));
  await settle();
  assert.equal(patches.length, 1);
  const body = patches[0].body;
  assert.equal(body.metadata.resourceVersion, '5');
  assert.equal(body.metadata.uid, 'u1');
  assert.equal(body.status.message, null);
  assert.deepEqual((body.status.conditions as Array<{ type: string }>).map((c) => c.type), ['Ready', 'example.com/gate']);
  // the same status again: no write
  sm.set('u1', target, { ...desired }, undefined);
  await settle();
  assert.equal(patches.length, 1);
});

test('a 409 re-reads the pod and retries with its resourceVersion', async () => {
  const server: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '7' }, spec: { containers: [] }, status: { phase: 'Pending' } };
  const { client, patches, conflict } = fakeClient(server);
  conflict(1);
  const sm = new StatusManager(client, log);
  sm.set('u1', target, { phase: 'Running' }, JSON.parse(JSON.stringify(server)));
  await settle();
  assert.equal(patches.length, 2);
  assert.equal(patches[0].body.metadata.resourceVersion, '7');
  assert.equal(patches[1].body.metadata.resourceVersion, '8');
  assert.equal(server.status?.phase, 'Running');
});
