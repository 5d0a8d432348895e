import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapTokenSecret,
  DEFAULT_NODE_TOKEN_GROUP,
  generateBootstrapToken,
  parseBootstrapToken,
  parseTokenTtl,
  readBootstrapTokenSecret,
} from './bootstrap-token.js';

const dec = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

test('generated tokens have the kubeadm form and differ', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const t = generateBootstrapToken();
    assert.match(t, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    seen.add(t);
  }
  assert.equal(seen.size, 200);
});

test('parseBootstrapToken accepts only the exact form', () => {
  assert.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), { id: 'abcdef', secret: '0123456789abcdef' });
  for (const bad of ['', 'abcdef', 'ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef:0123456789abcdef', 'abcdef.0123456789abcdef0']) {
    assert.equal(parseBootstrapToken(bad), undefined, bad);
  }
});

test('bootstrapTokenSecret writes kubeadm keys and readBootstrapTokenSecret reads them back', () => {
  const now = new Date('2024-05-01T10:00:00.123Z');
  const s = bootstrapTokenSecret('abcdef.0123456789abcdef', { ttlSeconds: 3600, description: 'for w1', now });
  assert.equal(s.metadata.name, 'bootstrap-token-abcdef');
  assert.equal(s.metadata.namespace, 'kube-system');
  assert.equal(s.type, 'bootstrap.kubernetes.io/token');
  assert.equal(dec(s.data?.['token-id']), 'abcdef');
  assert.equal(dec(s.data?.['token-secret']), '0123456789abcdef');
  assert.equal(dec(s.data?.expiration), '2024-05-01T11:00:00Z');
  assert.equal(dec(s.data?.['usage-bootstrap-authentication']), 'true');
  assert.equal(dec(s.data?.['usage-bootstrap-signing']), 'true');
  assert.equal(dec(s.data?.['auth-extra-groups']), DEFAULT_NODE_TOKEN_GROUP);
  assert.equal(dec(s.data?.description), 'for w1');

  const before = readBootstrapTokenSecret(s, new Date('2024-05-01T10:59:59Z'));
  assert.deepEqual(before, {
    id: 'abcdef',
    secret: '0123456789abcdef',
    expires: new Date('2024-05-01T11:00:00Z'),
    expired: false,
    usages: ['authentication', 'signing'],
    groups: [DEFAULT_NODE_TOKEN_GROUP],
    description: 'for w1',
  });
  assert.equal(readBootstrapTokenSecret(s, new Date('2024-05-01T11:00:00Z'))?.expired, true);
});

test('no ttl means no expiration', () => {
  const s = bootstrapTokenSecret('abcdef.0123456789abcdef', { ttlSeconds: 0 });
  assert.equal(s.data?.expiration, undefined);
  const info = readBootstrapTokenSecret(s, new Date('2999-01-01T00:00:00Z'));
  assert.equal(info?.expired, false);
  assert.equal(info?.expires, undefined);
});

test('bootstrapTokenSecret rejects a malformed token', () => {
  assert.throws(() => bootstrapTokenSecret('nope'), /invalid bootstrap token/);
});

test('readBootstrapTokenSecret rejects secrets that are not well-formed tokens', () => {
  const now = new Date();
  const good = bootstrapTokenSecret('abcdef.0123456789abcdef');
  assert.equal(readBootstrapTokenSecret({ ...good, type: 'Opaque' }, now), undefined);
  assert.equal(readBootstrapTokenSecret({ ...good, metadata: { ...good.metadata, name: 'bootstrap-token-zzzzzz' } }, now), undefined);
  assert.equal(readBootstrapTokenSecret({ ...good, data: { ...good.data, 'token-secret': Buffer.from('short').toString('base64') } }, now), undefined);
  // auth usage switched off is reported, not hidden: the authenticator decides
  const noAuth = { ...good, data: { ...good.data, 'usage-bootstrap-authentication': Buffer.from('false').toString('base64') } };
  assert.deepEqual(readBootstrapTokenSecret(noAuth, now)?.usages, ['signing']);
  // an unreadable expiration must not make a token immortal
  const badExp = { ...good, data: { ...good.data, expiration: Buffer.from('tomorrow').toString('base64') } };
  assert.equal(readBootstrapTokenSecret(badExp, now)?.expired, true);
});

test('parseTokenTtl reads Go durations as seconds', () => {
  assert.equal(parseTokenTtl('24h'), 86400);
  assert.equal(parseTokenTtl('1h30m'), 5400);
  assert.equal(parseTokenTtl('90s'), 90);
  assert.equal(parseTokenTtl('0'), 0);
  assert.equal(parseTokenTtl('0s'), 0);
  assert.throws(() => parseTokenTtl('1d'), /invalid duration/);
  assert.throws(() => parseTokenTtl('abc'), /invalid duration/);
  assert.throws(() => parseTokenTtl(''), /invalid duration/);
});
