import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, cidrsOverlap, nodeCidrMaskSize, nthAddress, parseCidr } from './cidr.js';

test('well-known addresses of a range', () => {
  assert.equal(nthAddress('10.96.0.0/12', 10), '10.96.0.10');
  assert.equal(nthAddress('10.96.0.0/12', 1), '10.96.0.1');
  assert.equal(nthAddress('10.96.37.0/24', 10), '10.96.37.10');
  assert.equal(nthAddress('10.96.37.5/24', 10), '10.96.37.10', 'host bits are ignored');
  assert.throws(() => nthAddress('10.0.0.0/29', 10), /no address number 10/);
});

test('parsing, containment and overlap', () => {
  assert.deepEqual(parseCidr('10.244.0.0/16'), { base: (10 << 24 | 244 << 16) >>> 0, bits: 16 });
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', 'x/8', '10.0.0/8']) assert.throws(() => parseCidr(bad, '--x'), /--x/, bad);
  assert.ok(cidrContains('10.244.0.0/16', '10.244.9.1'));
  assert.ok(!cidrContains('10.244.0.0/16', '10.245.0.1'));
  assert.ok(cidrsOverlap('10.96.0.0/12', '10.100.0.0/16'));
  assert.ok(!cidrsOverlap('10.96.0.0/12', '10.244.0.0/16'));
});

test('per-node pod subnets are /24, or the whole range when it is smaller', () => {
  assert.equal(nodeCidrMaskSize('10.244.0.0/16'), 24);
  assert.equal(nodeCidrMaskSize('10.244.7.0/24'), 24);
  assert.equal(nodeCidrMaskSize('10.244.7.0/26'), 26);
  assert.throws(() => nodeCidrMaskSize('10.244.7.0/31'), /too small/);
});
