// Controller manager, node IPAM: every node gets its own podCIDR from the
// cluster CIDR, allocations survive a restart, exhaustion is reported and a
// deleted node's subnet is handed on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, waitFor, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { Event, Node } from '../../api/types/index.js';

const nodes = findResource('', 'v1', 'nodes')!;
const events = findResource('', 'v1', 'events')!;

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let cm: Proc | undefined;

// Four /24s: enough to see distinct allocations, small enough to run out.
const CM_ARGS = ['--cluster-cidr', '10.200.0.0/22', '--node-cidr-mask-size', '24', '--controllers', 'nodeipam'];

function startCM(): Proc {
  return startProcess(['controller-manager', '--kubeconfig', api.kubeconfig, ...CM_ARGS], join(api.dataDir, 'controller-manager.log'));
}

async function createNode(name: string): Promise<void> {
  await kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } }),
  });
}

async function podCIDR(name: string): Promise<string | undefined> {
  const n = await client.get<Node>(nodes, undefined, name);
  return n.spec?.podCIDR;
}

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  cm = startCM();
});

after(async () => {
  await cm?.kill();
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('three nodes get three distinct podCIDRs (spec.podCIDR and podCIDRs)', async () => {
  for (const n of ['ipam-1', 'ipam-2', 'ipam-3']) await createNode(n);
  const cidrs: string[] = [];
  for (const n of ['ipam-1', 'ipam-2', 'ipam-3']) {
    cidrs.push(await waitFor(`podCIDR of ${n}`, () => podCIDR(n), 20_000));
    const node = await client.get<Node>(nodes, undefined, n);
    assert.deepEqual(node.spec?.podCIDRs, [node.spec?.podCIDR]);
  }
  assert.equal(new Set(cidrs).size, 3, `duplicates in ${cidrs.join(', ')}`);
  for (const c of cidrs) assert.match(c, /^10\.200\.[0-3]\.0\/24$/);
  const out = await kubectl.ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{"\\n"}{end}']);
  assert.match(out, /ipam-1=10\.200\./);
});

test('after a restart, allocations are rebuilt from the nodes: no CIDR is handed out twice', async () => {
  const before = await Promise.all(['ipam-1', 'ipam-2', 'ipam-3'].map(podCIDR));
  await cm!.kill();
  cm = startCM();
  await createNode('ipam-4');
  const fourth = await waitFor('podCIDR of ipam-4', () => podCIDR('ipam-4'), 20_000);
  assert.ok(!before.includes(fourth), `${fourth} was already taken by ${before.join(', ')}`);
  // and the existing nodes keep theirs
  assert.deepEqual(await Promise.all(['ipam-1', 'ipam-2', 'ipam-3'].map(podCIDR)), before);
});

test('with the range exhausted a node waits (CIDRNotAvailable); deleting a node frees its CIDR for it', async () => {
  await createNode('ipam-5');
  await waitFor('CIDRNotAvailable event', async () => {
    const list = await client.list<Event>(events, 'default');
    return list.items.some((e) => e.reason === 'CIDRNotAvailable' && e.involvedObject?.name === 'ipam-5');
  }, 20_000);
  assert.equal(await podCIDR('ipam-5'), undefined);
  const freed = await podCIDR('ipam-2');
  await kubectl.ok(['delete', 'node', 'ipam-2']);
  const got = await waitFor('podCIDR of ipam-5', () => podCIDR('ipam-5'), 20_000);
  assert.equal(got, freed);
});
