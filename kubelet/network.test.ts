import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrGateway, networkName, normalizeCidr } from './network.js';

test('gateway is the first host address; CIDRs compare by network address', () => {
  assert.equal(cidrGateway('10.244.3.0/24'), '10.244.3.1');
  assert.equal(cidrGateway('10.244.3.77/24'), '10.244.3.1');
  assert.equal(cidrGateway('172.30.0.0/16'), '172.30.0.1');
  assert.equal(normalizeCidr('10.244.3.77/24'), '10.244.3.0/24');
  assert.throws(() => cidrGateway('10.244.3.0'), /invalid/);
  assert.equal(networkName('e2e-1'), 'kubelite-e2e-1');
});
