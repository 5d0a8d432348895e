// Controller manager, leader election: of two replicas with --leader-elect only
// the holder of kube-system/kube-controller-manager runs controllers; killing
// it hands over; a leader whose Lease is taken from it exits non-zero.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, waitFor, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { formatMicroTime } from '../../client/leader-election.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { Lease, Node } from '../../api/types/index.js';

const nodes = findResource('', 'v1', 'nodes')!;
const leases = findResource('coordination.k8s.io', 'v1', 'leases')!;

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
const procs: Proc[] = [];
let seq = 0;

interface Replica {
  proc: Proc;
  log: string;
}

function startReplica(): Replica {
  const log = join(api.dataDir, `cm-${++seq}.log`);
  const proc = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig, '--leader-elect',
    '--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms',
    '--controllers', 'nodeipam'], log);
  procs.push(proc);
  return { proc, log };
}

/** The identity a replica campaigns with, from its log. */
async function identityOf(r: Replica): Promise<string> {
  return waitFor(`identity in ${r.log}`, async () => {
    const text = await readFile(r.log, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.includes('campaigning for leadership')) continue;
      return (JSON.parse(line) as { identity: string }).identity;
    }
    return undefined;
  }, 10_000);
}

async function startedControllers(r: Replica): Promise<boolean> {
  const text = await readFile(r.log, 'utf8').catch(() => '');
  return text.includes('starting controllers');
}

async function holder(): Promise<string | undefined> {
  try {
    const l = await client.get<Lease>(leases, 'kube-system', 'kube-controller-manager');
    return l.spec?.holderIdentity || undefined;
  } catch {
    return undefined;
  }
}

async function podCIDR(name: string): Promise<string | undefined> {
  return (await client.get<Node>(nodes, undefined, name)).spec?.podCIDR;
}

async function createNode(name: string): Promise<void> {
  await client.create<Node>(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
}

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
});

after(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('only the lease holder runs controllers; SIGKILL of the leader hands over after the lease expires', async () => {
  const a = startReplica();
  const b = startReplica();
  const ids = new Map([[await identityOf(a), a], [await identityOf(b), b]]);
  const leaderId = await waitFor('a leader', holder, 15_000);
  const leader = ids.get(leaderId);
  assert.ok(leader, `holder ${leaderId} is one of the replicas`);
  const follower = leader === a ? b : a;
  await waitFor('leader starts controllers', () => startedControllers(leader), 15_000);
  await createNode('le-1');
  await waitFor('le-1 podCIDR', () => podCIDR('le-1'), 15_000);
  assert.equal(await startedControllers(follower), false, 'the follower must not run controllers');
  const lines = (await readFile(follower.log, 'utf8')).split('\n').filter((l) => l.includes('assigned pod CIDR'));
  assert.deepEqual(lines, []);

  await leader.proc.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor('follower takes over', async () => (await holder()) !== leaderId && (await startedControllers(follower)), 15_000);
  assert.ok(Date.now() - killedAt < 10_000, 'handover within a few lease durations');
  await createNode('le-2');
  const cidr = await waitFor('le-2 podCIDR from the new leader', () => podCIDR('le-2'), 15_000);
  assert.notEqual(cidr, await podCIDR('le-1'));
});

test('SIGTERM releases the lease so a standby takes over at once; the old leader exits 0', async () => {
  const current = procs.find((p) => p.child.exitCode === null && p.child.signalCode === null)!;
  const standby = startReplica();
  await identityOf(standby);
  const start = Date.now();
  await current.kill('SIGTERM');
  assert.equal(await current.exited, 0);
  await waitFor('standby leads', () => startedControllers(standby), 10_000);
  assert.ok(Date.now() - start < 5_000, `took ${Date.now() - start} ms`);
});

test('a leader that loses its lease stops and exits non-zero', async () => {
  const leader = procs.find((p) => p.child.exitCode === null && p.child.signalCode === null)!;
  await waitFor('a holder', holder, 10_000);
  // Someone else takes the lease and keeps it: the leader cannot renew.
  const steal = async (): Promise<boolean> => {
    const l = await client.get<Lease>(leases, 'kube-system', 'kube-controller-manager');
    await client.update<Lease>(leases, 'kube-system', { ...l, spec: { ...l.spec, holderIdentity: 'thief', leaseDurationSeconds: 3600, renewTime: formatMicroTime(Date.now()) } });
    return true;
  };
  await waitFor('lease stolen', steal, 10_000);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([leader.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 15_000)))]);
  clearTimeout(timer);
  assert.notEqual(code, 'timeout', 'leader must exit');
  assert.notEqual(code, 0);
  assert.equal(await holder(), 'thief');
});
