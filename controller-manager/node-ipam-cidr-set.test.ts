import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrExhaustedError, CidrSet, parseCidr } from './node-ipam-cidr-set.js';

test('allocates distinct subnets in order', () => {
  const s = new CidrSet('10.244.0.0/16', 24);
  assert.equal(s.size, 256);
  assert.deepEqual([s.allocate(), s.allocate(), s.allocate()], ['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
  assert.equal(s.free, 253);
});

test('existing allocations are skipped (rebuild at start)', () => {
  const s = new CidrSet('10.244.0.0/16', 24);
  assert.equal(s.occupy('10.244.0.0/24'), true);
  assert.equal(s.occupy('10.244.2.0/24'), true);
  assert.equal(s.allocate(), '10.244.1.0/24');
  assert.equal(s.allocate(), '10.244.3.0/24');
});

test('CIDRs outside the cluster CIDR are not tracked; wider ones block what they cover', () => {
  const s = new CidrSet('10.244.0.0/16', 24);
  assert.equal(s.occupy('10.245.0.0/24'), false);
  assert.equal(s.occupy('not-a-cidr'), false);
  assert.equal(s.occupy('10.244.4.0/23'), true);
  assert.equal(s.isUsed('10.244.4.0/24'), true);
  assert.equal(s.isUsed('10.244.5.0/24'), true);
  assert.equal(s.free, 254);
});

test('exhaustion throws, release makes room again', () => {
  const s = new CidrSet('10.0.0.0/30', 31); // two /31s
  const a = s.allocate();
  const b = s.allocate();
  assert.deepEqual([a, b], ['10.0.0.0/31', '10.0.0.2/31']);
  assert.throws(() => s.allocate(), CidrExhaustedError);
  s.release(a);
  assert.equal(s.allocate(), a);
  assert.throws(() => s.allocate(), /no \/31 subnet of 10.0.0.0\/30 is free/);
});

test('a released subnet is not handed out again before the others', () => {
  const s = new CidrSet('10.244.0.0/22', 24);
  const first = s.allocate();
  s.allocate();
  s.release(first);
  assert.equal(s.allocate(), '10.244.2.0/24');
  assert.equal(s.allocate(), '10.244.3.0/24');
  assert.equal(s.allocate(), first);
});

test('never two nodes with one CIDR, even under churn', () => {
  const s = new CidrSet('10.244.0.0/20', 24);
  const held = new Set<string>();
  for (let i = 0; i < 200; i++) {
    if (held.size === 16 || (held.size > 0 && i % 3 === 0)) {
      const victim = [...held][i % held.size];
      held.delete(victim);
      s.release(victim);
    } else {
      const c = s.allocate();
      assert.equal(held.has(c), false, `${c} handed out twice`);
      held.add(c);
    }
  }
  assert.equal(s.free, 16 - held.size);
});

test('invalid settings are rejected', () => {
  assert.throws(() => new CidrSet('10.244.0.0/16', 8), /between/);
  assert.throws(() => new CidrSet('10.0.0.0/8', 30), /65536/);
  assert.throws(() => new CidrSet('fd00::/48', 64), /not an IPv4 CIDR/);
  assert.deepEqual(parseCidr('10.244.3.7/16'), { base: parseCidr('10.244.0.0/16').base, prefix: 16 });
  assert.equal(new CidrSet('10.244.3.7/16', 24).clusterCidr, '10.244.0.0/16');
});
