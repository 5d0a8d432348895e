import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envArgs, envVarName, renderEnvFile, systemdUnusableReason, unitName } from './systemd.js';

test('unit and variable names per component', () => {
  assert.equal(unitName('controller-manager'), 'kubelite-controller-manager.service');
  assert.equal(envVarName('controller-manager'), 'CONTROLLER_MANAGER_ARGS');
  assert.equal(envVarName('kubelet'), 'KUBELET_ARGS');
});

test('arguments survive systemd\'s word splitting: empty values become --flag=, unsplittable ones are refused', () => {
  assert.equal(envArgs(['--kubeconfig', '/a/b', '--metrics-bind-address', '', '--node-labels', 'x=']), '--kubeconfig /a/b --metrics-bind-address= --node-labels x=');
  assert.throws(() => envArgs(['--root-dir', '/a b']), /cannot go into/);
  assert.throws(() => envArgs(['--x', '$HOME']), /cannot go into/);
});

test('the env file has one variable per component, without the component name', () => {
  const text = renderEnvFile([{ name: 'kubelet', args: ['kubelet', '--node-name', 'w1'] }, { name: 'proxy', args: ['proxy', '--mode', 'nftables'] }], 'worker w1');
  assert.match(text, /^# worker w1\n/);
  assert.match(text, /\nKUBELET_ARGS="--node-name w1"\n/);
  assert.match(text, /\nPROXY_ARGS="--mode nftables"\n$/);
});

test('systemd is refused with one actionable reason', () => {
  const ok = { runSystemd: true, haveSystemctl: true, haveBinary: true, isRoot: true };
  assert.equal(systemdUnusableReason(ok), undefined);
  assert.match(systemdUnusableReason({ ...ok, runSystemd: false })!, /not running.*--no-systemd/);
  assert.match(systemdUnusableReason({ ...ok, isRoot: false })!, /root/);
  assert.match(systemdUnusableReason({ ...ok, haveBinary: false })!, /install\.sh/);
});
