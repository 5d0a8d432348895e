import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextFreeIP, PodIPAllocator, podRange, ipToInt, intToIp } from './ipam.js';

test('podRange leaves out network, gateway and broadcast', () => {
  const r = podRange('10.244.3.0/24');
  assert.equal(intToIp(r.first), '10.244.3.2');
  assert.equal(intToIp(r.last), '10.244.3.254');
  assert.equal(r.prefix, 24);
  assert.equal(intToIp(podRange('10.244.3.77/24').first), '10.244.3.2');
  assert.throws(() => podRange('10.244.3.0/31'), /\/8\.\.\/29/);
  assert.throws(() => podRange('10.244.300.0/24'), /invalid IPv4/);
});

test('nextFreeIP goes round-robin after the last one and skips used addresses', () => {
  assert.equal(nextFreeIP('10.1.0.0/24', new Set()), '10.1.0.2');
  assert.equal(nextFreeIP('10.1.0.0/24', new Set(['10.1.0.2', '10.1.0.3'])), '10.1.0.4');
  assert.equal(nextFreeIP('10.1.0.0/24', new Set(), '10.1.0.9'), '10.1.0.10');
  // wraps at the end of the range
  assert.equal(nextFreeIP('10.1.0.0/24', new Set(), '10.1.0.254'), '10.1.0.2');
  // an `after` outside the range starts at the beginning
  assert.equal(nextFreeIP('10.1.0.0/24', new Set(), '10.9.9.9'), '10.1.0.2');
});

test('nextFreeIP reports a full range', () => {
  const used = new Set<string>();
  const { first, last } = podRange('10.1.0.0/29');
  for (let n = first; n <= last; n++) used.add(intToIp(n));
  assert.equal(used.size, 5);
  assert.equal(nextFreeIP('10.1.0.0/29', used), undefined);
  assert.equal(ipToInt('10.1.0.1') + 1, first);
});

test('allocator: reserve, bind, release, and no reuse of a just-freed address', () => {
  const a = new PodIPAllocator('10.1.0.0/24');
  const ip1 = a.reserve('pending:a');
  const ip2 = a.reserve('pending:b');
  assert.deepEqual([ip1, ip2], ['10.1.0.2', '10.1.0.3']);
  a.bind(ip1, 'c1');
  assert.equal(a.holderOf(ip1), 'c1');
  assert.equal(a.release('c1'), ip1);
  assert.equal(a.release('c1'), undefined);
  // round-robin: the freed .2 is not handed out next
  assert.equal(a.reserve('pending:c'), '10.1.0.4');
});

test('allocator: a full range throws a clear error', () => {
  const a = new PodIPAllocator('10.1.0.0/29');
  for (let i = 0; i < 5; i++) a.reserve(`t${i}`);
  assert.throws(() => a.reserve('t5'), /no free pod IP left in 10\.1\.0\.0\/29 \(5 in use\)/);
});

test('allocator: resync keeps what Docker has and pending reservations, frees the rest', () => {
  const a = new PodIPAllocator('10.1.0.0/24');
  const p = a.reserve('pending:x'); // .2
  const gone = a.reserve('pending:y'); // .3
  a.bind(gone, 'dead-container');
  a.resync([{ id: 'c9', ip: '10.1.0.9' }, { id: 'no-ip' }], (h) => h.startsWith('pending:'));
  assert.equal(a.holderOf(p), 'pending:x');
  assert.equal(a.holderOf(gone), undefined);
  assert.equal(a.holderOf('10.1.0.9'), 'c9');
  assert.equal(a.size, 2);
});
