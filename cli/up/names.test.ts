import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostNames, validateClusterName } from './names.js';

test('the default cluster keeps the proxy defaults', () => {
  assert.deepEqual(hostNames('kubelite'), { nftTable: 'kubelite', chainPrefix: 'KUBE', serviceBridge: 'kube-svc0', ipvsBridge: 'kube-ipvs0', context: 'kubelite' });
});

test('other clusters get distinct names within the kernel limits', () => {
  const a = hostNames('e2e-up-1a2b3c');
  const b = hostNames('e2e-up-1a2b3d');
  assert.equal(a.nftTable, 'kubelite-e2e-up-1a2b3c');
  assert.equal(a.context, 'e2e-up-1a2b3c');
  assert.match(a.chainPrefix, /^[A-Z][A-Z0-9]{0,6}$/);
  for (const n of [a.serviceBridge, a.ipvsBridge]) assert.ok(n.length <= 15, n);
  assert.notEqual(a.chainPrefix, b.chainPrefix);
  assert.notEqual(a.serviceBridge, b.serviceBridge);
  assert.notEqual(a.chainPrefix, 'KUBE');
  assert.deepEqual(hostNames('e2e-up-1a2b3c'), a, 'stable');
});

test('cluster names are DNS-label-like', () => {
  for (const ok of ['a', 'dev', 'e2e-1', 'x'.repeat(40)]) validateClusterName(ok);
  for (const bad of ['', 'Dev', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(41)]) assert.throws(() => validateClusterName(bad), /--cluster-name/, bad);
});
