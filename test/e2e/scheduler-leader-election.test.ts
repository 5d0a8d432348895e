// Issue "Scheduler": two `kubelite scheduler --leader-elect` replicas. Only the
// holder of Lease kube-system/kube-scheduler binds pods; killing it hands the
// Lease, and the work, to the other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApiserver, startProcess, removeDir, waitFor, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { Lease, Node, Pod } from '../../api/types/index.js';

const nodesInfo = findResource('', 'v1', 'nodes')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const leasesInfo = findResource('coordination.k8s.io', 'v1', 'leases')!;

let api: Apiserver;
let client: RestClient;
const replicas: Array<{ proc: Proc; identity: string }> = [];

function startReplica(i: number): Proc {
  return startProcess(
    ['scheduler', '--kubeconfig', api.kubeconfig, '--leader-elect', '--v', 'debug',
      '--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms'],
    join(api.dataDir, `scheduler-${i}.log`),
  );
}

async function logLines(proc: Proc): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(proc.logFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

async function identityOf(proc: Proc): Promise<string> {
  return waitFor('scheduler identity in its log', async () => {
    const line = (await logLines(proc)).find((l) => l.msg === 'leader election enabled');
    return line?.identity as string | undefined;
  });
}

/** Pods this replica placed, from its debug log. */
async function placedBy(proc: Proc): Promise<Set<string>> {
  return new Set((await logLines(proc)).filter((l) => l.msg === 'assumed pod on node').map((l) => String(l.pod)));
}

async function holder(): Promise<string | undefined> {
  const lease = await client.get<Lease>(leasesInfo, 'kube-system', 'kube-scheduler');
  return lease.spec?.holderIdentity || undefined;
}

function pod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
}

async function allBound(names: string[]): Promise<void> {
  await waitFor(`${names.length} pods bound`, async () => {
    for (const n of names) {
      const p = await client.get<Pod>(podsInfo, 'default', n);
      if (!p.spec.nodeName) return false;
    }
    return true;
  }, 30_000);
}

before(async () => {
  api = await startApiserver();
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  for (const name of ['le-1', 'le-2']) {
    const allocatable = { cpu: '4', memory: '8Gi', pods: '110' };
    await client.create<Node>(nodesInfo, undefined, {
      apiVersion: 'v1', kind: 'Node', metadata: { name },
      status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
    });
  }
  for (let i = 0; i < 2; i++) {
    const proc = startReplica(i);
    replicas.push({ proc, identity: await identityOf(proc) });
  }
});

after(async () => {
  for (const r of replicas) await r.proc.kill();
  await api?.stop();
  client?.close();
  if (api && !process.env.KEEP_E2E) await removeDir(api.dataDir);
});

test('one replica holds the Lease and only it binds pods; killing it hands over', async () => {
  const leaderId = await waitFor('a Lease holder', holder);
  const leader = replicas.find((r) => r.identity === leaderId);
  const standby = replicas.find((r) => r.identity !== leaderId);
  assert.ok(leader && standby, `holder ${leaderId} is one of ${replicas.map((r) => r.identity).join(', ')}`);

  const first = Array.from({ length: 10 }, (_, i) => `le-a-${i}`);
  for (const n of first) await client.create(podsInfo, 'default', pod(n));
  await allBound(first);
  const byLeader = await placedBy(leader.proc);
  for (const n of first) assert.ok(byLeader.has(`default/${n}`), `${n} placed by the leader`);
  assert.equal((await placedBy(standby.proc)).size, 0, 'the standby placed nothing');

  // SIGKILL: no chance to release the Lease, so the standby must wait for it to expire.
  await leader.proc.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor('the standby to take the Lease', async () => (await holder()) === standby.identity, 20_000);
  const takeoverMs = Date.now() - killedAt;
  assert.ok(takeoverMs < 10_000, `takeover took ${takeoverMs} ms`);
  const lease = await client.get<Lease>(leasesInfo, 'kube-system', 'kube-scheduler');
  assert.ok((lease.spec?.leaseTransitions ?? 0) >= 1);

  const second = Array.from({ length: 10 }, (_, i) => `le-b-${i}`);
  for (const n of second) await client.create(podsInfo, 'default', pod(n));
  await allBound(second);
  const byStandby = await placedBy(standby.proc);
  for (const n of second) assert.ok(byStandby.has(`default/${n}`), `${n} placed by the new leader`);
  for (const n of first) assert.ok(!byStandby.has(`default/${n}`), `${n} not placed again`);
});

test('a replica stopped with SIGTERM releases the Lease so a new one takes over at once', async () => {
  const current = replicas.find((r) => r.proc.child.exitCode === null && r.proc.child.signalCode === null)!;
  const fresh = startReplica(2);
  const freshId = await identityOf(fresh);
  replicas.push({ proc: fresh, identity: freshId });
  assert.equal(await holder(), current.identity);
  await current.proc.kill('SIGTERM');
  // Released on the way out: the Lease no longer names the stopped replica, so nobody waits out its duration.
  const after = await client.get<Lease>(leasesInfo, 'kube-system', 'kube-scheduler');
  assert.notEqual(after.spec?.holderIdentity, current.identity);
  await waitFor('the new replica to take the released Lease', async () => (await holder()) === freshId, 10_000);
  await client.create(podsInfo, 'default', pod('le-c-0'));
  await allBound(['le-c-0']);
  assert.ok((await placedBy(fresh)).has('default/le-c-0'));
});
