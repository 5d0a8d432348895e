import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateName,
  generateNameSuffix,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidCIDR,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  regexError,
} from './names.js';

test('isDNS1123Subdomain', () => {
  for (const ok of ['a', 'example.com', 'a-b.c-d', '0', 'x'.repeat(253), 'a.b.c']) {
    assert.deepEqual(isDNS1123Subdomain(ok), [], ok);
  }
  assert.deepEqual(isDNS1123Subdomain('Foo'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  for (const bad of ['', '-a', 'a-', 'a..b', '.a', 'a_b', 'a b']) assert.equal(isDNS1123Subdomain(bad).length, 1, bad);
  assert.deepEqual(isDNS1123Subdomain('x'.repeat(254)), ['must be no more than 253 characters']);
});

test('isDNS1123Label', () => {
  assert.deepEqual(isDNS1123Label('my-name'), []);
  assert.deepEqual(isDNS1123Label('123-abc'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  // Kubernetes' RegexError really has the double space before "or".
  assert.deepEqual(isDNS1123Label('A'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.equal(isDNS1123Label('').length, 1);
});

test('isDNS1035Label', () => {
  assert.deepEqual(isDNS1035Label('web'), []);
  assert.equal(isDNS1035Label('1web').length, 1);
  assert.match(isDNS1035Label('1web')[0], /^a DNS-1035 label must consist of/);
  assert.match(isDNS1035Label('1web')[0], /'my-name',  or 'abc-123'/);
});

test('isQualifiedName', () => {
  for (const ok of ['app', 'App_1.x-y', 'example.com/MyName', 'k8s.io/a', 'a'.repeat(63)]) {
    assert.deepEqual(isQualifiedName(ok), [], ok);
  }
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('a/'), [
    'name part must be non-empty',
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
  assert.match(isQualifiedName('Foo.com/a')[0], /^prefix part a lowercase RFC 1123 subdomain/);
  assert.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  assert.equal(isQualifiedName('a/b/c').length, 1);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.equal(isQualifiedName('Foo_').length, 1);
  assert.equal(isQualifiedName('').length, 2);
});

test('isValidLabelValue', () => {
  for (const ok of ['', 'a', 'MyValue', 'my_value', '12345', 'a.b-c_d']) assert.deepEqual(isValidLabelValue(ok), [], ok);
  assert.deepEqual(isValidLabelValue('-a'), [
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]);
  assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.equal(isValidLabelValue('a b').length, 1);
});

test('isConfigMapKey', () => {
  for (const ok of ['key.name', 'KEY_NAME', 'key-name', '.hidden']) assert.deepEqual(isConfigMapKey(ok), [], ok);
  assert.deepEqual(isConfigMapKey('.'), ["must not be '.'"]);
  assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
  assert.deepEqual(isConfigMapKey('..a'), ["must not start with '..'"]);
  assert.match(isConfigMapKey('a/b')[0], /^a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/);
  assert.equal(isConfigMapKey('').length, 1);
});

test('isValidPortName', () => {
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('h-2'), []);
  assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
  assert.deepEqual(isValidPortName('HTTP'), [
    'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'must contain at least one letter (a-z)',
  ]);
  assert.deepEqual(isValidPortName('abcdefghijklmnop'), ['must be no more than 15 characters']);
});

test('isValidPortNum', () => {
  assert.deepEqual(isValidPortNum(1), []);
  assert.deepEqual(isValidPortNum(65535), []);
  for (const bad of [0, 65536, -1, 1.5, Number.NaN]) assert.deepEqual(isValidPortNum(bad), ['must be between 1 and 65535, inclusive']);
});

test('isValidIP and isValidCIDR', () => {
  for (const ok of ['10.9.8.7', '2001:db8::ffff', '::', '::ffff:1.2.3.4', '010.0.0.1']) assert.deepEqual(isValidIP(ok), [], ok);
  for (const bad of ['', '1.2.3', '256.1.1.1', 'fe80::1%eth0', '10.0.0.0/8', 'host']) {
    assert.deepEqual(isValidIP(bad), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'], bad);
  }
  assert.deepEqual(isValidCIDR('10.244.0.0/16'), []);
  assert.deepEqual(isValidCIDR('fd00::/64'), []);
  for (const bad of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'x/8', '10.0.0.0/']) assert.equal(isValidCIDR(bad).length, 1, bad);
});

test('regexError formatting', () => {
  assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
  assert.equal(regexError('m', 'f', 'a'), "m (e.g. 'a', regex used for validation is 'f')");
});

test('generateNameSuffix uses the Kubernetes alphabet', () => {
  for (let i = 0; i < 50; i++) assert.match(generateNameSuffix(), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('generateName truncates base to stay within 63 characters', () => {
  assert.match(generateName('web-'), /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  const long = generateName('x'.repeat(100));
  assert.equal(long.length, 63);
  assert.ok(long.startsWith('x'.repeat(58)));
  assert.deepEqual(isDNS1123Label(generateName('a'.repeat(70) + '-')), []);
});
