import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrGateway, fallbackPodCIDR, networkName, normalizeCidr } from './network.js';

test('gateway is the first host address; CIDRs compare by network address', () => {
  assert.equal(cidrGateway('10.244.3.0/24'), '10.244.3.1');
  assert.equal(cidrGateway('10.244.3.77/24'), '10.244.3.1');
  assert.equal(cidrGateway('172.30.0.0/16'), '172.30.0.1');
  assert.equal(normalizeCidr('10.244.3.77/24'), '10.244.3.0/24');
  assert.throws(() => cidrGateway('10.244.3.0'), /invalid/);
  assert.equal(networkName('e2e-1'), 'kubelite-e2e-1');
});

test('fallbackPodCIDR avoids the subnets local interfaces are on', () => {
  assert.equal(fallbackPodCIDR([]), '10.88.0.0/24');
  assert.equal(fallbackPodCIDR(['127.0.0.1/8', '10.88.0.1/24', '10.88.1.7/32']), '10.88.2.0/24');
  assert.throws(() => fallbackPodCIDR(['10.0.0.1/8']), /no free \/24/);
});

test('cidrGateway and normalizeCidr refuse what is not an IPv4 CIDR with room for a gateway', () => {
  assert.equal(cidrGateway('0.0.0.0/0'), '0.0.0.1');
  assert.equal(normalizeCidr('10.1.2.3/30'), '10.1.2.0/30');
  assert.throws(() => cidrGateway('10.244.3.0/31'), /invalid IPv4 CIDR "10\.244\.3\.0\/31"/);
  assert.throws(() => normalizeCidr('10.244.300.0/24'), /invalid IPv4 CIDR/);
});
