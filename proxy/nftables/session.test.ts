import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkerReply, toOneLine } from './session.js';

test('toOneLine: commands end with `;`, chain bodies become `{ rule; rule; }`', () => {
  const text = [
    'delete element ip t service-endpoints-tcp { 10.96.0.1 . 80 . 1 }',
    'flush chain ip t svc-X',
    'add chain ip t svc-X {',
    '\tnumgen random mod 2 0 meta l4proto tcp dnat ip to 10.0.0.1:80',
    '\tmeta l4proto tcp dnat ip to 10.0.0.2:80',
    '}',
    'add set ip t aff-Y { type ipv4_addr; flags dynamic,timeout; timeout 60s; }',
    '',
  ].join('\n');
  assert.equal(toOneLine(text), 'delete element ip t service-endpoints-tcp { 10.96.0.1 . 80 . 1 }; flush chain ip t svc-X; '
    + 'add chain ip t svc-X { numgen random mod 2 0 meta l4proto tcp dnat ip to 10.0.0.1:80; meta l4proto tcp dnat ip to 10.0.0.2:80; }; '
    + 'add set ip t aff-Y { type ipv4_addr; flags dynamic,timeout; timeout 60s; };');
});

// stderr as `nft -i` 1.0.6 writes it for an unparsable marker line
const markerError = (m: string) => `Error: syntax error, unexpected newline, expecting string\n${m}\n${' '.repeat(m.length)}^\n`;

test('parseMarkerReply: waits for the whole marker message, then splits off what the transaction wrote', () => {
  const m = 'kubelite-nft-done-7';
  const full = markerError(m);
  for (let i = 0; i < full.length; i++) assert.equal(parseMarkerReply(full.slice(0, i), m), undefined, `cut at ${i}`);
  assert.deepEqual(parseMarkerReply(full, m), { error: '', rest: '' });
  const failed = 'Error: Could not process rule: No such file or directory\nadd element ip t x { 1 }\n                    ^\n';
  assert.deepEqual(parseMarkerReply(failed + full + 'Error: next', m), { error: failed.trim(), rest: 'Error: next' });
  // another marker's message is not this one's
  assert.equal(parseMarkerReply(markerError('kubelite-nft-done-6'), m), undefined);
});
