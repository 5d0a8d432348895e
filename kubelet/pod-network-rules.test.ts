import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chainNames, jumpArgs, jumpPlacement, jumpsInto, ownedChainsIn, printedRule, renderChainRemoval, renderChains, splitRuleArgs,
} from './pod-network-rules.js';

const cfg = { nodeName: 'node-a', clusterCIDR: '10.244.0.0/16', masqueradeBit: 14 };

test('chain names are per node, owned by prefix, and fit iptables\' 28 characters', () => {
  const a = chainNames('node-a');
  const b = chainNames('node-b');
  assert.notEqual(a.nat, b.nat);
  assert.notEqual(a.nat, a.filter);
  const long = chainNames('x'.repeat(253));
  for (const n of [a.nat, a.filter, long.nat, long.filter]) {
    assert.ok(n.length <= 28, n);
    assert.ok(n.startsWith('KUBELITE-PODNET-'));
  }
  assert.deepEqual(chainNames('node-a'), a);
});

test('rendered chains exempt pod→pod from masquerade (except proxy-marked packets) and accept forwarding', () => {
  const { nat, filter } = chainNames('node-a');
  const text = renderChains(cfg);
  assert.equal(text, [
    '*nat',
    `:${nat} - [0:0]`,
    `-A ${nat} -s 10.244.0.0/16 -d 10.244.0.0/16 -m mark ! --mark 0x4000/0x4000 -m comment --comment "pod to pod keeps its source IP" -j ACCEPT`,
    'COMMIT',
    '*filter',
    `:${filter} - [0:0]`,
    `-A ${filter} -s 10.244.0.0/16 -m comment --comment "forward traffic from pods" -j ACCEPT`,
    `-A ${filter} -d 10.244.0.0/16 -m comment --comment "forward traffic to pods" -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n'));
  // Nothing outside our own chains is declared (declaring flushes under --noflush).
  for (const l of text.split('\n').filter((x) => x.startsWith(':') || x.startsWith('-A '))) assert.match(l, /KUBELITE-PODNET-/);
});

test('the jump as iptables -S prints it round-trips through splitRuleArgs', () => {
  const args = jumpArgs('node-a', chainNames('node-a').nat);
  const printed = printedRule(args);
  assert.equal(printed, `-m comment --comment "kubelite pod network node-a" -j ${chainNames('node-a').nat}`);
  assert.deepEqual(splitRuleArgs(printed), args);
});

test('jump placement: missing, first, behind another kubelite jump, behind Docker, duplicated', () => {
  const ours = printedRule(jumpArgs('node-a', chainNames('node-a').nat));
  const other = printedRule(jumpArgs('node-b', chainNames('node-b').nat));
  const docker = '-s 10.244.1.0/24 ! -o docker0 -j MASQUERADE';
  const listing = (...rules: string[]) => ['-P POSTROUTING ACCEPT', ...rules.map((r) => `-A POSTROUTING ${r}`)];
  assert.deepEqual(jumpPlacement(listing(docker), 'POSTROUTING', ours), { present: 0, wellPlaced: false });
  assert.deepEqual(jumpPlacement(listing(ours, docker), 'POSTROUTING', ours), { present: 1, wellPlaced: true });
  assert.deepEqual(jumpPlacement(listing(other, ours, docker), 'POSTROUTING', ours), { present: 1, wellPlaced: true });
  assert.deepEqual(jumpPlacement(listing(docker, ours), 'POSTROUTING', ours), { present: 1, wellPlaced: false });
  assert.deepEqual(jumpPlacement(listing(ours, docker, ours), 'POSTROUTING', ours), { present: 2, wellPlaced: false });
  assert.deepEqual(jumpPlacement([], 'POSTROUTING', ours), { present: 0, wellPlaced: false });
});

test('cleanup finds only this node\'s jumps and chains', () => {
  const a = chainNames('node-a');
  const b = chainNames('node-b');
  const save = [
    '-N DOCKER-USER', `-N ${a.filter}`, `-N ${b.filter}`,
    `-A DOCKER-USER ${printedRule(jumpArgs('node-a', a.filter))}`,
    `-A DOCKER-USER ${printedRule(jumpArgs('node-b', b.filter))}`,
    '-A DOCKER-USER -j RETURN',
  ];
  assert.deepEqual(jumpsInto(save, a.filter), [{ hook: 'DOCKER-USER', spec: printedRule(jumpArgs('node-a', a.filter)) }]);
  assert.deepEqual(ownedChainsIn(save, a), [a.filter]);
  assert.equal(renderChainRemoval({ nat: [], filter: [a.filter] }), `*filter\n:${a.filter} - [0:0]\n-X ${a.filter}\nCOMMIT\n`);
  assert.equal(renderChainRemoval({ nat: ['DOCKER'], filter: [] }), '');
});
