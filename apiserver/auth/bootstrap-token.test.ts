import test from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapTokenSecret } from '../../api/bootstrap-token.js';
import type { Secret } from '../../api/types/core.js';
import { bootstrapTokenAuthenticator } from './bootstrap-token.js';

const now = new Date('2025-01-01T00:00:00Z');
const TOKEN = 'abcdef.0123456789abcdef';

function authn(secrets: Secret[], at = now) {
  return bootstrapTokenAuthenticator((ns, name) => secrets.find((s) => s.metadata.namespace === ns && s.metadata.name === name), () => at);
}

test('a valid token is system:bootstrap:<id> in system:bootstrappers plus its extra groups', () => {
  const a = authn([bootstrapTokenSecret(TOKEN, { ttlSeconds: 3600, now })]);
  assert.deepEqual(a(TOKEN), {
    name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubelite:default-node-token'],
  });
});

test('wrong secret, unknown id, malformed, expired, no auth usage, bad groups: refused', () => {
  const ok = bootstrapTokenSecret(TOKEN, { ttlSeconds: 3600, now });
  assert.equal(authn([ok])('abcdef.0123456789abcdee'), undefined);
  assert.equal(authn([ok])('zzzzzz.0123456789abcdef'), undefined);
  assert.equal(authn([ok])('abcdef0123456789abcdef'), undefined);
  assert.equal(authn([ok], new Date(now.getTime() + 3601_000))(TOKEN), undefined);
  assert.equal(authn([bootstrapTokenSecret(TOKEN, { now, usages: ['signing'] })])(TOKEN), undefined);
  assert.equal(authn([bootstrapTokenSecret(TOKEN, { now, groups: ['system:masters'] })])(TOKEN), undefined);
  const wrongType = { ...ok, type: 'Opaque' };
  assert.equal(authn([wrongType])(TOKEN), undefined);
  const deleting = { ...ok, metadata: { ...ok.metadata, deletionTimestamp: now.toISOString() } };
  assert.equal(authn([deleting])(TOKEN), undefined);
  // a token with no expiration lives until deleted
  assert.ok(authn([bootstrapTokenSecret(TOKEN, { now })], new Date('2099-01-01T00:00:00Z'))(TOKEN));
});
