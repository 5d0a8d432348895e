import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMirrorPod, staticPodFromManifest } from './static-pods.js';

const yaml = `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - name: etcd
    image: kubelite.local/busybox:latest
`;

test('a manifest becomes <name>-<node> with a content-derived uid, defaults and the static annotations', () => {
  const p = staticPodFromManifest(yaml, '/etc/m/etcd.yaml', 'n1');
  assert.equal(p.metadata.name, 'etcd-n1');
  assert.equal(p.metadata.namespace, 'kube-system');
  assert.match(p.metadata.uid!, /^[0-9a-f]{32}$/);
  assert.equal(p.metadata.annotations?.['kubernetes.io/config.hash'], p.metadata.uid);
  assert.equal(p.metadata.annotations?.['kubernetes.io/config.source'], 'file');
  assert.equal(p.spec.nodeName, 'n1');
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.ok(p.spec.tolerations?.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute'));
  assert.equal(isMirrorPod(p), false);
  // same content, same uid; a change or another node gives another
  assert.equal(staticPodFromManifest(yaml, '/etc/m/etcd.yaml', 'n1').metadata.uid, p.metadata.uid);
  assert.notEqual(staticPodFromManifest(yaml.replace('busybox:latest', 'busybox:1'), '/etc/m/etcd.yaml', 'n1').metadata.uid, p.metadata.uid);
  assert.notEqual(staticPodFromManifest(yaml, '/etc/m/etcd.yaml', 'n2').metadata.uid, p.metadata.uid);
});

test('JSON works; anything but one Pod is refused', () => {
  const p = staticPodFromManifest(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'i' }] } }), 'x.json', 'n');
  assert.equal(p.metadata.namespace, 'default');
  assert.throws(() => staticPodFromManifest('kind: Service\nmetadata: {name: s}\n', 's.yaml', 'n'), /not a Pod/);
  assert.throws(() => staticPodFromManifest(`${yaml}---\n${yaml}`, 'two.yaml', 'n'), /exactly one document/);
  assert.throws(() => staticPodFromManifest('kind: Pod\nmetadata: {name: a}\nspec: {}\n', 'a.yaml', 'n'), /containers/);
});
