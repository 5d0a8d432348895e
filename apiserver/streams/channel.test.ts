import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClientFrame, encodeChannel, exitCodeStatus, negotiateExecProtocol, parseResize, successStatus } from './channel.js';

test('frames carry the channel in the first byte', () => {
  assert.deepEqual([...encodeChannel(1, 'hi')], [1, 0x68, 0x69]);
  assert.deepEqual([...encodeChannel(3, Buffer.alloc(0))], [3]);
});

test('client frames: stdin, resize, v5 close', () => {
  assert.deepEqual(decodeClientFrame(Buffer.from([0, 0x61]), 'v5.channel.k8s.io'), { type: 'stdin', data: Buffer.from('a') });
  assert.deepEqual(decodeClientFrame(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')]), 'v5.channel.k8s.io'),
    { type: 'resize', width: 120, height: 40 });
  assert.deepEqual(decodeClientFrame(Buffer.from([255, 0]), 'v5.channel.k8s.io'), { type: 'close', channel: 0 });
  // v4 has no close signal
  assert.deepEqual(decodeClientFrame(Buffer.from([255, 0]), 'v4.channel.k8s.io'), { type: 'ignore' });
  assert.equal(decodeClientFrame(Buffer.from([255]), 'v5.channel.k8s.io').type, 'invalid');
  assert.deepEqual(decodeClientFrame(Buffer.alloc(0), 'v5.channel.k8s.io'), { type: 'ignore' });
  assert.deepEqual(decodeClientFrame(Buffer.from([1, 1]), 'v5.channel.k8s.io'), { type: 'ignore' });
});

test('resize parsing rejects junk', () => {
  assert.deepEqual(parseResize(Buffer.from('{"Width":80,"Height":24}')), { width: 80, height: 24 });
  assert.equal(parseResize(Buffer.from('{"Width":-1,"Height":24}')), undefined);
  assert.equal(parseResize(Buffer.from('{nope')), undefined);
  assert.equal(parseResize(Buffer.from('{"Width":"x"}')), undefined);
});

test('protocol negotiation prefers v5, then v4', () => {
  assert.equal(negotiateExecProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v5.channel.k8s.io');
  assert.equal(negotiateExecProtocol(['v4.channel.k8s.io', 'channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(negotiateExecProtocol(['channel.k8s.io']), undefined);
});

test('statuses kubectl understands', () => {
  assert.deepEqual(successStatus(), { metadata: {}, status: 'Success' });
  assert.deepEqual(exitCodeStatus(['sh', '-c', 'exit 3'], 3), {
    metadata: {}, status: 'Failure',
    message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
    reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] },
  });
});
