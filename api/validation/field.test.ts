import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  duplicate, forbidden, goIntOrString, goLabelSelector, goStringMap, goValue, immutableField, invalid, notFound, notSupported,
  required, semanticEqual, tooLong,
} from './field.js';

test('error bodies read like field.Error.ErrorBody()', () => {
  assert.deepEqual(required('spec.x'), { type: 'FieldValueRequired', field: 'spec.x', message: 'Required value' });
  assert.equal(required('spec.x', 'why').message, 'Required value: why');
  assert.equal(invalid('f', 'Foo', 'bad').message, 'Invalid value: "Foo": bad');
  assert.equal(invalid('f', -1, 'neg').message, 'Invalid value: -1: neg');
  assert.equal(invalid('f', null, 'nil').message, 'Invalid value: null: nil');
  assert.equal(notSupported('f', 'X', ['Always', 'OnFailure', 'Never']).message, 'Unsupported value: "X": supported values: "Always", "OnFailure", "Never"');
  assert.equal(duplicate('f', 'web').message, 'Duplicate value: "web"');
  assert.equal(notFound('f', 'vol').message, 'Not found: "vol"');
  assert.equal(forbidden('f', 'no').message, 'Forbidden: no');
  assert.equal(tooLong('f', 63).message, 'Too long: may not be more than 63 bytes');
  assert.equal(tooLong('f', 63).type, 'FieldValueTooLong');
});

test('Go-style value printing', () => {
  assert.equal(goValue(['a', 'b']), '[]string{"a", "b"}');
  assert.equal(goStringMap({ b: '2', a: '1' }).text, 'map[string]string{"a":"1", "b":"2"}');
  assert.equal(goStringMap(undefined).text, 'map[string]string(nil)');
  assert.equal(goIntOrString('25%').text, '25%');
  assert.equal(goLabelSelector({ matchLabels: { app: 'x' } }).text,
    'v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
});

test('semantic equality treats absent, null and empty alike', () => {
  assert.ok(semanticEqual(undefined, []));
  assert.ok(semanticEqual({ a: undefined, b: {} }, { c: '' }));
  assert.ok(semanticEqual({ x: [1, { y: null }] }, { x: [1, {}] }));
  assert.ok(!semanticEqual({ a: 0 }, {}));
  assert.ok(!semanticEqual([1, 2], [2, 1]));
  assert.deepEqual(immutableField('a', 'a', 'f'), []);
  assert.deepEqual(immutableField('b', 'a', 'f'), [invalid('f', 'b', 'field is immutable')]);
});
