import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersistentVolume } from '../api/types/index.js';
import { reclaimDecision, removeVolumeDir } from './local-path-reclaimer.js';

const ROOT = '/var/lib/kubelite';
const node = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } };

function volume(over: { name?: string; path?: string; host?: string; phase?: 'Released' | 'Bound'; policy?: 'Delete' | 'Retain'; by?: string } = {}): PersistentVolume {
  const name = over.name ?? 'pvc-1';
  return {
    metadata: { name, uid: 'u1', annotations: { 'pv.kubernetes.io/provisioned-by': over.by ?? 'kubelite.io/local-path' } },
    spec: {
      hostPath: { path: over.path ?? `${ROOT}/local-path/${name}`, type: 'DirectoryOrCreate' },
      persistentVolumeReclaimPolicy: over.policy ?? 'Delete',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [over.host ?? 'n1'] }] }] } },
    },
    status: { phase: over.phase ?? 'Released' },
  };
}

test('a released local-path volume of this node with reclaim Delete: its directory goes', () => {
  assert.deepEqual(reclaimDecision(volume(), node, ROOT), { action: 'remove', dir: `${ROOT}/local-path/pvc-1` });
});

test('left alone: other nodes, other provisioners, Retain, still bound, no node affinity', () => {
  assert.equal(reclaimDecision(volume({ host: 'n2' }), node, ROOT).action, 'skip');
  assert.equal(reclaimDecision(volume({ by: 'other.io/x' }), node, ROOT).action, 'skip');
  assert.equal(reclaimDecision(volume({ policy: 'Retain' }), node, ROOT).action, 'skip');
  assert.equal(reclaimDecision(volume({ phase: 'Bound' }), node, ROOT).action, 'skip');
  const free = volume();
  delete free.spec.nodeAffinity;
  assert.equal(reclaimDecision(free, node, ROOT).action, 'skip');
});

test('path tricks are refused: anything but <root>/local-path/<pv-name> exactly', () => {
  for (const path of [
    '/', ROOT, `${ROOT}/local-path`, `${ROOT}/local-path/../pods`, `${ROOT}/local-path/pvc-1/..`, `${ROOT}/local-path/other`,
    `${ROOT}/local-path//pvc-1`, '/etc', `${ROOT}/pods/pvc-1`,
  ]) {
    assert.equal(reclaimDecision(volume({ path }), node, ROOT).action, 'refuse', path);
  }
  assert.equal(reclaimDecision(volume({ name: '..', path: `${ROOT}/local-path/..` }), node, ROOT).action, 'refuse');
});

test('removeVolumeDir removes the directory, unlinks (never follows) a symlink, refuses a symlinked local-path folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kubelite-reclaim-'));
  try {
    const outside = join(root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'keep'), 'x');
    const base = join(root, 'local-path');
    await mkdir(join(base, 'pvc-1', 'sub'), { recursive: true });
    await writeFile(join(base, 'pvc-1', 'sub', 'data'), 'x');
    await removeVolumeDir(root, join(base, 'pvc-1'));
    assert.deepEqual(await readdir(base), []);
    await symlink(outside, join(base, 'pvc-2'));
    await removeVolumeDir(root, join(base, 'pvc-2'));
    assert.deepEqual(await readdir(outside), ['keep']);
    assert.deepEqual(await readdir(base), []);
    await removeVolumeDir(root, join(base, 'never-made'));
    await assert.rejects(removeVolumeDir(root, join(root, 'outside')), /not directly under/);

    await rm(base, { recursive: true });
    await symlink(outside, base);
    await assert.rejects(removeVolumeDir(root, join(base, 'keep')), /not a plain directory/);
    assert.deepEqual(await readdir(outside), ['keep']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
