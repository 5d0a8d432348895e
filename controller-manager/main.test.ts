import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLERS, enabledControllers } from './main.js';

const all = ['namespace', 'nodeipam', 'podgc'];

test('--controllers: * enables all, names enable, -name disables', () => {
  assert.deepEqual(enabledControllers(undefined, all), all);
  assert.deepEqual(enabledControllers(['*'], all), all);
  assert.deepEqual(enabledControllers(['*,-nodeipam'], all), ['namespace', 'podgc']);
  assert.deepEqual(enabledControllers(['podgc', 'namespace'], all), ['namespace', 'podgc']);
  assert.deepEqual(enabledControllers(['-podgc'], all), []);
  assert.throws(() => enabledControllers(['nodeipm'], all), /unknown controller "nodeipm"/);
});

test('every controller the brief asks for is registered', () => {
  const names = CONTROLLERS.map((c) => c.name);
  for (const n of ['namespace', 'garbagecollector', 'nodeipam', 'nodelifecycle', 'taint-eviction-controller', 'podgc',
    'replicaset', 'replicationcontroller', 'deployment', 'endpoint']) assert.ok(names.includes(n), n);
});
