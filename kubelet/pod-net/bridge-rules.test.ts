import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainNames, printedRule } from '../pod-network-rules.js';
import { bridgeJumps, hostPortsOf, renderBridgeChains } from './bridge-rules.js';

const c = chainNames('n1');

test('masquerade, loopback and forwarding rules for the bridge', () => {
  const out = renderBridgeChains({ nodeName: 'n1', bridge: 'klbr0', podCIDR: '10.244.3.0/24', clusterCIDR: '10.244.0.0/16', hostPorts: [] });
  const lines = out.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['*nat', `:${c.masq} - [0:0]`, `:${c.hostPorts} - [0:0]`]);
  assert.ok(lines.includes(`-A ${c.masq} -s 10.244.3.0/24 -d 10.244.0.0/16 -m comment --comment "pod to pod keeps its source IP" -j RETURN`));
  assert.ok(lines.includes(`-A ${c.masq} -s 10.244.3.0/24 ! -o klbr0 -m comment --comment "pods reaching beyond the node" -j MASQUERADE`));
  assert.ok(lines.includes(`-A ${c.masq} -s 127.0.0.0/8 -o klbr0 -m comment --comment "host loopback to pods" -j MASQUERADE`));
  // the exemption comes before the masquerade
  assert.ok(lines.findIndex((l) => l.endsWith('RETURN')) < lines.findIndex((l) => l.includes('! -o klbr0')));
  assert.ok(lines.includes(`-A ${c.bridge} -i klbr0 -m comment --comment "forward traffic from pods" -j ACCEPT`));
  assert.ok(lines.includes(`-A ${c.bridge} -o klbr0 -m comment --comment "forward traffic to pods" -j ACCEPT`));
  assert.equal(lines.filter((l) => l === 'COMMIT').length, 2);
  assert.ok(!out.includes('DNAT'));
});

test('no cluster CIDR: no exemption rule', () => {
  const out = renderBridgeChains({ nodeName: 'n1', bridge: 'klbr0', podCIDR: '10.244.3.0/24', hostPorts: [] });
  assert.ok(!out.includes('RETURN'));
});

test('hostPorts render DNAT (on a given address or every local one) and a hairpin masquerade', () => {
  const out = renderBridgeChains({
    nodeName: 'n1', bridge: 'klbr0', podCIDR: '10.244.3.0/24', hostPorts: [
      { hostPort: 9090, protocol: 'UDP', podIP: '10.244.3.5', containerPort: 53, pod: 'kube-system/dns' },
      { hostPort: 8080, hostIP: '127.0.0.1', protocol: 'TCP', podIP: '10.244.3.4', containerPort: 80, pod: 'default/web' },
      { hostPort: 8081, hostIP: '0.0.0.0', protocol: 'TCP', podIP: '10.244.3.4', containerPort: 81, pod: 'default/web' },
    ],
  });
  const lines = out.split('\n');
  const dnat = lines.filter((l) => l.includes('DNAT'));
  assert.deepEqual(dnat, [
    `-A ${c.hostPorts} -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -m comment --comment "default/web hostPort 8080" -j DNAT --to-destination 10.244.3.4:80`,
    `-A ${c.hostPorts} -p tcp -m tcp --dport 8081 -m comment --comment "default/web hostPort 8081" -j DNAT --to-destination 10.244.3.4:81`,
    `-A ${c.hostPorts} -p udp -m udp --dport 9090 -m comment --comment "kube-system/dns hostPort 9090" -j DNAT --to-destination 10.244.3.5:53`,
  ]);
  assert.ok(lines.includes(`-A ${c.masq} -s 10.244.3.4/32 -d 10.244.3.4/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web hostPort hairpin" -j MASQUERADE`));
});

test('hostPortsOf reads init and app container ports; hostNetwork pods publish none', () => {
  const pod = {
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      initContainers: [{ ports: [{ containerPort: 1, hostPort: 1001, protocol: 'UDP' }] }],
      containers: [{ ports: [{ containerPort: 80 }, { containerPort: 8080, hostPort: 18080, hostIP: '127.0.0.1' }] }],
    },
  };
  assert.deepEqual(hostPortsOf(pod, '10.0.0.9'), [
    { hostPort: 1001, hostIP: undefined, protocol: 'UDP', podIP: '10.0.0.9', containerPort: 1, pod: 'ns/web' },
    { hostPort: 18080, hostIP: '127.0.0.1', protocol: 'TCP', podIP: '10.0.0.9', containerPort: 8080, pod: 'ns/web' },
  ]);
  assert.deepEqual(hostPortsOf({ ...pod, spec: { ...pod.spec, hostNetwork: true } }, '10.0.0.9'), []);
});

test('jumps: masquerade from POSTROUTING, hostPorts from PREROUTING/OUTPUT for local addresses, forwarding first', () => {
  const j = bridgeJumps('n1', 'DOCKER-USER');
  assert.deepEqual(j.map((x) => [x.table, x.hook, x.first]), [
    ['nat', 'POSTROUTING', false], ['nat', 'PREROUTING', false], ['nat', 'OUTPUT', false], ['filter', 'DOCKER-USER', true],
  ]);
  assert.equal(printedRule(j[1]!.args), `-m addrtype --dst-type LOCAL -m comment --comment "kubelite pod network n1" -j ${c.hostPorts}`);
});

test('the hostPort hairpin masquerade comes before the pod-to-pod exemption', () => {
  const lines = renderBridgeChains({
    nodeName: 'n1', bridge: 'klbr0', podCIDR: '10.244.3.0/24', clusterCIDR: '10.244.0.0/16',
    hostPorts: [{ hostPort: 8080, protocol: 'TCP', podIP: '10.244.3.4', containerPort: 80, pod: 'default/web' }],
  }).split('\n');
  assert.ok(lines.findIndex((l) => l.includes('hairpin')) < lines.findIndex((l) => l.endsWith('-j RETURN')));
});
