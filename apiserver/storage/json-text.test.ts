import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonText, rememberBatchJson } from './json-text.js';

test('jsonText answers from the latest batch and serializes anything else', () => {
  const stored = { kind: 'Pod', metadata: { name: 'a' } };
  rememberBatchJson([[stored, '{"cached":true}']]);
  assert.equal(jsonText(stored), '{"cached":true}');
  const other = { kind: 'Pod' };
  assert.equal(jsonText(other), JSON.stringify(other));
  assert.equal(jsonText('x'), '"x"');
  rememberBatchJson([]);
  assert.equal(jsonText(stored), JSON.stringify(stored), 'only the latest batch is kept');
});
