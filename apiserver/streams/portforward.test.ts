import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiatePortForwardProtocol, parsePorts, portPrefix } from './portforward.js';

test('protocol negotiation: the SPDY tunnel first, then the channel protocol', () => {
  assert.equal(negotiatePortForwardProtocol(['SPDY/3.1+portforward.k8s.io']), 'SPDY/3.1+portforward.k8s.io');
  assert.equal(negotiatePortForwardProtocol(['v4.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(negotiatePortForwardProtocol(['v5.channel.k8s.io']), undefined);
});

test('ports from the query', () => {
  assert.deepEqual(parsePorts(new URLSearchParams('ports=80&ports=8080')), [80, 8080]);
  assert.deepEqual(parsePorts(new URLSearchParams('ports=80,443')), [80, 443]);
  assert.equal(parsePorts(new URLSearchParams('ports=0')), 'invalid port "0"');
  assert.equal(parsePorts(new URLSearchParams('ports=http')), 'invalid port "http"');
  assert.deepEqual(parsePorts(new URLSearchParams('')), []);
});

test('the port prefix is little-endian', () => {
  assert.deepEqual([...portPrefix(8001)], [0x41, 0x1f]);
});
