import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate } from './negotiate.js';

test('negotiate: JSON, YAML, Table, and other "as" forms fall back to JSON', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'json'], ['', 'json'], ['application/json', 'json'], ['*/*', 'json'], ['application/yaml', 'yaml'],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'table'],
    ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json', 'json'],
    ['application/vnd.kubernetes.protobuf', 'json'], ['text/html, application/yaml', 'yaml'],
  ];
  // twice: the second round answers from the remembered results
  for (let round = 0; round < 2; round++) {
    for (const [accept, want] of cases) assert.equal(negotiate(accept), want, `${accept} (round ${round})`);
  }
});

test('negotiate keeps answering right past its memory bound', () => {
  for (let i = 0; i < 600; i++) assert.equal(negotiate(`application/x-${i}, application/yaml`), 'yaml');
  assert.equal(negotiate('application/json;as=Table;g=meta.k8s.io;v=v1'), 'table');
});
