// The Secrets, ConfigMaps and PersistentVolumeClaims a pod refers to: what its
// node's kubelet may read (the edges of Kubernetes' node authorizer graph).
import type { KubeObject } from '../../api/meta.js';

export type ReferenceKind = 'secrets' | 'configmaps' | 'persistentvolumeclaims';

/** `<kind>/<namespace>/<name>` */
export function referenceKey(kind: ReferenceKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

type Obj = Record<string, unknown>;

function rec(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(rec) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Secret-bearing volume sources keep the name under `secretRef.name` (or `nodePublishSecretRef` for CSI). */
const SECRET_REF_SOURCES = ['cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos'];

/** Every object the pod's volumes, environment and image pulls name, as reference keys. */
export function podReferences(pod: KubeObject): string[] {
  const ns = pod.metadata.namespace ?? '';
  const spec = rec(pod.spec);
  const out = new Set<string>();
  const add = (kind: ReferenceKind, name: unknown) => {
    const n = str(name);
    if (n) out.add(referenceKey(kind, ns, n));
  };
  for (const s of arr(spec.imagePullSecrets)) add('secrets', s.name);
  for (const v of arr(spec.volumes)) {
    add('secrets', rec(v.secret).secretName);
    add('configmaps', rec(v.configMap).name);
    add('persistentvolumeclaims', rec(v.persistentVolumeClaim).claimName);
    // a generic ephemeral volume's claim is named after the pod and the volume
    if (v.ephemeral && pod.metadata.name) add('persistentvolumeclaims', `${pod.metadata.name}-${str(v.name)}`);
    for (const p of arr(rec(v.projected).sources)) {
      add('secrets', rec(p.secret).name);
      add('configmaps', rec(p.configMap).name);
    }
    add('secrets', rec(rec(v.csi).nodePublishSecretRef).name);
    add('secrets', rec(v.azureFile).secretName);
    for (const src of SECRET_REF_SOURCES) add('secrets', rec(rec(v[src]).secretRef).name);
  }
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]) {
    for (const e of arr(c.envFrom)) {
      add('configmaps', rec(e.configMapRef).name);
      add('secrets', rec(e.secretRef).name);
    }
    for (const e of arr(c.env)) {
      const from = rec(e.valueFrom);
      add('configmaps', rec(from.configMapKeyRef).name);
      add('secrets', rec(from.secretKeyRef).name);
    }
  }
  return [...out];
}
