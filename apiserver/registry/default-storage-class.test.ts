import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { admitPersistentVolumeClaim, defaultClass } from './default-storage-class.js';

function sc(name: string, isDefault: boolean, created = '2024-01-01T00:00:00Z', beta = false): KubeObject {
  const key = beta ? 'storageclass.beta.kubernetes.io/is-default-class' : 'storageclass.kubernetes.io/is-default-class';
  return { metadata: { name, creationTimestamp: created, annotations: isDefault ? { [key]: 'true' } : {} }, provisioner: 'p' };
}

function claim(spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return { metadata: { name: 'c', annotations }, spec: { accessModes: ['ReadWriteOnce'], ...spec } };
}

const classOf = (o: KubeObject) => (o.spec as { storageClassName?: string | null }).storageClassName;

test('a claim without a class gets the default one', () => {
  const c = claim();
  admitPersistentVolumeClaim(c, [sc('slow', false), sc('local-path', true)]);
  assert.equal(classOf(c), 'local-path');
  const n = claim({ storageClassName: null });
  admitPersistentVolumeClaim(n, [sc('local-path', true)]);
  assert.equal(classOf(n), 'local-path');
});

test('an explicit class, even "", and the beta annotation are left alone', () => {
  for (const c of [claim({ storageClassName: '' }), claim({ storageClassName: 'slow' })]) {
    const before = classOf(c);
    admitPersistentVolumeClaim(c, [sc('local-path', true)]);
    assert.equal(classOf(c), before);
  }
  const beta = claim({}, { 'volume.beta.kubernetes.io/storage-class': 'x' });
  admitPersistentVolumeClaim(beta, [sc('local-path', true)]);
  assert.equal(classOf(beta), undefined);
});

test('no default class: nothing set', () => {
  const c = claim();
  admitPersistentVolumeClaim(c, [sc('slow', false)]);
  assert.equal(classOf(c), undefined);
});

test('several defaults: the newest wins, then the first name; the beta annotation counts', () => {
  assert.equal(defaultClass([sc('a', true, '2024-01-01T00:00:00Z'), sc('b', true, '2024-02-01T00:00:00Z')])?.metadata.name, 'b');
  assert.equal(defaultClass([sc('z', true), sc('m', true)])?.metadata.name, 'm');
  assert.equal(defaultClass([sc('old', true, '2024-01-01T00:00:00Z', true)])?.metadata.name, 'old');
});
