import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinCommand, serverEndpoint, shortHumanDuration, tokenListRows } from './token-format.js';

test('shortHumanDuration matches apimachinery', () => {
  assert.equal(shortHumanDuration(-5000), '<invalid>');
  assert.equal(shortHumanDuration(-500), '0s');
  assert.equal(shortHumanDuration(59_999), '59s');
  assert.equal(shortHumanDuration(60_000), '1m');
  assert.equal(shortHumanDuration(23 * 3_600_000 + 59 * 60_000), '23h');
  assert.equal(shortHumanDuration(48 * 3_600_000), '2d');
  assert.equal(shortHumanDuration(400 * 86_400_000), '1y');
});

test('token list rows look like kubeadm', () => {
  const now = new Date('2024-05-01T10:00:00Z');
  const rows = tokenListRows([
    { id: 'zzzzzz', secret: '0123456789abcdef', expired: false, usages: ['authentication', 'signing'], groups: ['system:bootstrappers:kubelite:default-node-token'] },
    { id: 'abcdef', secret: '0123456789abcdef', expires: new Date('2024-05-02T09:59:00Z'), expired: false, usages: ['authentication', 'signing'], groups: ['g1', 'g2'], description: 'rack 3' },
    { id: 'oldold', secret: '0123456789abcdef', expires: new Date('2024-05-01T09:00:00Z'), expired: true, usages: [], groups: [] },
  ], now);
  assert.deepEqual(rows, [
    ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'],
    ['abcdef.0123456789abcdef', '23h', '2024-05-02T09:59:00Z', 'authentication,signing', 'rack 3', 'g1,g2'],
    ['oldold.0123456789abcdef', '<invalid>', '2024-05-01T09:00:00Z', '', '<none>', '<none>'],
    ['zzzzzz.0123456789abcdef', '<forever>', '<never>', 'authentication,signing', '<none>', 'system:bootstrappers:kubelite:default-node-token'],
  ]);
});

test('the join command uses the server host:port', () => {
  assert.equal(serverEndpoint('https://192.168.1.10:6443'), '192.168.1.10:6443');
  assert.equal(serverEndpoint('https://cp.example:6443/'), 'cp.example:6443');
  assert.equal(serverEndpoint('https://cp.example'), 'cp.example:443');
  assert.equal(serverEndpoint('https://[fd00::1]:6443'), '[fd00::1]:6443');
  assert.throws(() => serverEndpoint('http://127.0.0.1:8080'), /not https/);
  assert.throws(() => serverEndpoint('nope'), /not a URL/);
  assert.equal(joinCommand('10.0.0.1:6443', 'abcdef.0123456789abcdef', 'sha256:ab'), 'kubelite join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:ab');
});
