import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../model.js';
import { endpoints, lookup, service } from '../testdata.js';
import {
  buildIptPlan, isOwnedChain, jumpKey, jumpRules, renderIptablesCleanup, renderIptablesFull, renderIptablesIncremental, validatePrefix,
  type IptablesConfig,
} from './render.js';

const cfg: IptablesConfig = { prefix: 'KUBE', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', serviceBridge: 'kube-svc0', masqueradeMark: 0x4000 };

function rulesOf(text: string, chain: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
}

test("kube-proxy's layout and chain names", () => {
  const svc = service('svc1', '172.30.0.41', { ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] }, 'ns1');
  const eps = endpoints('svc1', ['10.180.0.1', '10.180.0.2'], { portName: 'p80', port: 80, namespace: 'ns1' });
  const text = renderIptablesFull(buildIptPlan(buildModel([svc], lookup([eps])), cfg), cfg);
  assert.deepEqual(rulesOf(text, 'KUBE-SERVICES').slice(0, 1), [
    '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
  ]);
  assert.deepEqual(rulesOf(text, 'KUBE-SVC-XPGD46QRK7WJZT7O'), [
    '-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.244.0.0/16 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
    '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    `-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -j ${/-j (KUBE-SEP-\S+)$/.exec(rulesOf(text, 'KUBE-SVC-XPGD46QRK7WJZT7O')[2])![1]}`,
  ]);
  assert.deepEqual(rulesOf(text, 'KUBE-SEP-SXIVWICOYRO3J4NJ'), [
    '-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.1:80',
  ]);
  assert.match(text, /^:KUBE-SVC-XPGD46QRK7WJZT7O - \[0:0\]$/m);
  assert.match(text, /-A KUBE-SERVICES -m comment --comment "kubelite service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n/);
  assert.deepEqual(rulesOf(text, 'KUBE-POSTROUTING'), [
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
    '-A KUBE-POSTROUTING -m comment --comment "kubelite service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ]);
  // jumps from the built-in chains go first, Docker's rules stay below them
  assert.match(text, /^-I PREROUTING 1 -m comment --comment "kubelite service portals" -j KUBE-SERVICES$/m);
  assert.match(text, /^-A FORWARD -m comment --comment "kubelite forwarding rules" -j KUBE-FORWARD$/m);
  assert.match(text, /^-A KUBE-CIDR-GUARD -d 10\.96\.0\.0\/12 ! -o kube-svc0 -m addrtype ! --dst-type LOCAL .* -j REJECT$/m);
});

test('statistic probabilities give an even split', () => {
  const text = renderIptablesFull(buildIptPlan(buildModel([service('w', '10.96.0.9')], lookup([endpoints('w', ['10.244.1.1', '10.244.1.2', '10.244.1.3', '10.244.1.4'])])), cfg), cfg);
  const probs = text.split('\n').filter((l) => l.includes('-> 10.244.1.')).map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'last');
  assert.deepEqual(probs, ['0.2500000000', '0.3333333333', '0.5000000000', 'last']);
});

test('no endpoints: REJECT in filter for the VIP and the NodePort, nothing in nat', () => {
  const svc = service('e', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30001 }] });
  const text = renderIptablesFull(buildIptPlan(buildModel([svc], lookup([])), cfg), cfg);
  const filter = text.slice(text.indexOf('*filter'));
  assert.match(filter, /-A KUBE-SERVICES -d 10\.96\.0\.10\/32 -p tcp -m comment --comment "default\/e:http has no endpoints" -m tcp --dport 80 -j REJECT/);
  assert.match(filter, /-A KUBE-EXTERNAL-SERVICES -p tcp .*-m addrtype --dst-type LOCAL -m tcp --dport 30001 -j REJECT/);
  assert.doesNotMatch(text, /KUBE-SVC-/);
});

test('NodePort, LoadBalancer IP, Local policy and affinity', () => {
  const svc = service('lb', '10.96.0.11', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30002 }] });
  svc.status = { loadBalancer: { ingress: [{ ip: '127.0.0.42' }] } };
  const plan = buildIptPlan(buildModel([svc], lookup([endpoints('lb', ['10.244.1.2'], { nodeName: 'node-a' })]), { nodeName: 'node-a' }), cfg);
  const text = renderIptablesFull(plan, cfg);
  const ext = /-j (KUBE-EXT-\S+)/.exec(text)![1];
  const hash = ext.slice('KUBE-EXT-'.length);
  assert.match(text, new RegExp(`-A KUBE-SERVICES -d 127\\.0\\.0\\.42/32 .*loadbalancer IP.* -j ${ext}`));
  assert.match(text, new RegExp(`-A KUBE-NODEPORTS -p tcp .* --dport 30002 -j ${ext}`));
  assert.deepEqual(rulesOf(text, ext).map((r) => r.replace(/-m comment --comment "[^"]*" /, '')), [
    `-A ${ext} -s 10.244.0.0/16 -j KUBE-SVC-${hash}`,
    `-A ${ext} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
    `-A ${ext} -m addrtype --src-type LOCAL -j KUBE-SVC-${hash}`,
    `-A ${ext} -j KUBE-SVL-${hash}`,
  ]);
  assert.match(text, /-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-\S+ --mask 255\.255\.255\.255 --rsource -j KUBE-SEP-/);
  assert.match(text, /-m recent --set --name KUBE-SEP-\S+ --mask 255\.255\.255\.255 --rsource -m tcp -j DNAT --to-destination 10\.244\.1\.2:8080/);
});

test('incremental: changed service chains and the shared chain only; removed chains deleted', () => {
  const svcs = [service('a', '10.96.0.20'), service('b', '10.96.0.21')];
  const p1 = buildIptPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2', '10.244.1.3']), endpoints('b', ['10.244.1.4'])])), cfg);
  assert.equal(renderIptablesIncremental(p1, buildIptPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2', '10.244.1.3']), endpoints('b', ['10.244.1.4'])])), cfg, p1), cfg), '');
  const p2 = buildIptPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2']), endpoints('b', ['10.244.1.4'])])), cfg, p1);
  const text = renderIptablesIncremental(p1, p2, cfg);
  const declared = text.split('\n').filter((l) => l.startsWith(':')).map((l) => l.split(' ')[0].slice(1));
  assert.equal(declared.length, 2, text); // a's SVC chain (changed) and the removed SEP (declared so it is flushed, then -X)
  assert.ok(declared.every((c) => c.startsWith('KUBE-SVC-') || c.startsWith('KUBE-SEP-')));
  assert.equal(text.split('\n').filter((l) => l.startsWith('-X ')).length, 1);
  assert.doesNotMatch(text, /default\/b/);
  assert.doesNotMatch(text, /\*filter/);
  // deleting b rewrites KUBE-SERVICES and removes b's chains
  const p3 = buildIptPlan(buildModel([svcs[0]], lookup([endpoints('a', ['10.244.1.2'])])), cfg, p2);
  const del = renderIptablesIncremental(p2, p3, cfg);
  assert.match(del, /^:KUBE-SERVICES - \[0:0\]$/m);
  assert.equal(del.split('\n').filter((l) => l.startsWith('-X ')).length, 2);
  assert.doesNotMatch(del.replace(/^[:-]X? ?KUBE-S(VC|EP)-\S+.*$/gm, ''), /default\/b/);
});

test('jumps already present are not added again; cleanup deletes jumps and chains', () => {
  const plan = buildIptPlan(buildModel([], lookup([])), cfg);
  const all = jumpRules(cfg).map(jumpKey);
  const text = renderIptablesFull(plan, cfg, { natChains: [], filterChains: [], jumps: all });
  assert.doesNotMatch(text, /^-I /m);
  const stale = renderIptablesFull(plan, cfg, { natChains: ['KUBE-SVC-AAAAAAAAAAAAAAAA'], filterChains: [], jumps: all });
  assert.match(stale, /^:KUBE-SVC-AAAAAAAAAAAAAAAA - \[0:0\]$/m);
  assert.match(stale, /^-X KUBE-SVC-AAAAAAAAAAAAAAAA$/m);
  const clean = renderIptablesCleanup(cfg, { natChains: ['KUBE-SERVICES'], filterChains: ['KUBE-FORWARD'], jumps: [all[0], all[0]] });
  assert.deepEqual(clean.trim().split('\n'), [
    '*nat', ':KUBE-SERVICES - [0:0]',
    '-D PREROUTING -m comment --comment "kubelite service portals" -j KUBE-SERVICES',
    '-D PREROUTING -m comment --comment "kubelite service portals" -j KUBE-SERVICES',
    '-X KUBE-SERVICES', 'COMMIT',
    '*filter', ':KUBE-FORWARD - [0:0]', '-X KUBE-FORWARD', 'COMMIT',
  ]);
});

test('owned chains are recognised by prefix and shape only', () => {
  assert.ok(isOwnedChain('KUBE', 'KUBE-SVC-XPGD46QRK7WJZT7O'));
  assert.ok(isOwnedChain('KUBE', 'KUBE-MARK-MASQ'));
  assert.ok(!isOwnedChain('KUBE', 'KUBE-SVC-SHORT'));
  assert.ok(!isOwnedChain('KUBE', 'DOCKER-USER'));
  assert.ok(!isOwnedChain('KT1', 'KUBE-SERVICES'));
  assert.throws(() => validatePrefix('TOOLONGX'));
  assert.doesNotThrow(() => validatePrefix('KT1A'));
});
