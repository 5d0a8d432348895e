import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32, portProtoHash } from './hash.js';

test('chain hashes match kube-proxy (values from its iptables proxier tests)', () => {
  assert.equal(`KUBE-SVC-${portProtoHash('ns1/svc1:p80', 'tcp')}`, 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(`KUBE-SEP-${portProtoHash('ns1/svc1:p80', 'tcp', '10.180.0.1:80')}`, 'KUBE-SEP-SXIVWICOYRO3J4NJ');
});

test('base32 is RFC 4648', () => {
  assert.equal(base32(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32(Buffer.from('f')), 'MY');
});
