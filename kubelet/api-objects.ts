// The API objects a pod's volumes and environment refer to, fetched on demand
// (404 → undefined). Kept behind an interface so the worker can be driven
// without an apiserver in tests.
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret } from '../api/types/index.js';
import { findResource } from '../api/resources.js';
import { isNotFound } from '../api/errors.js';
import type { RestClient } from '../client/index.js';

export interface ObjectGetter {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  pvc(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  pv(name: string): Promise<PersistentVolume | undefined>;
  serviceAccountToken(namespace: string, serviceAccount: string, audience: string | undefined, expirationSeconds: number | undefined): Promise<string>;
}

const R = {
  configmaps: findResource('', 'v1', 'configmaps')!,
  secrets: findResource('', 'v1', 'secrets')!,
  pvcs: findResource('', 'v1', 'persistentvolumeclaims')!,
  pvs: findResource('', 'v1', 'persistentvolumes')!,
  serviceaccounts: findResource('', 'v1', 'serviceaccounts')!,
};

export class ApiObjects implements ObjectGetter {
  constructor(private readonly client: RestClient) {}

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return orUndefined(this.client.get<ConfigMap>(R.configmaps, namespace, name, { timeoutMs: 10_000 }));
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return orUndefined(this.client.get<Secret>(R.secrets, namespace, name, { timeoutMs: 10_000 }));
  }

  pvc(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return orUndefined(this.client.get<PersistentVolumeClaim>(R.pvcs, namespace, name, { timeoutMs: 10_000 }));
  }

  pv(name: string): Promise<PersistentVolume | undefined> {
    return orUndefined(this.client.get<PersistentVolume>(R.pvs, undefined, name, { timeoutMs: 10_000 }));
  }

  /** Throws when the apiserver issues no token: a pod must not start with an empty one. */
  async serviceAccountToken(namespace: string, sa: string, audience: string | undefined, expirationSeconds: number | undefined): Promise<string> {
    const req = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: audience ? [audience] : [], expirationSeconds: expirationSeconds ?? 3600 },
    };
    const res = await this.client.createSubresource<{ status?: { token?: string } }>(R.serviceaccounts, namespace, sa, 'token', req, { timeoutMs: 10_000 });
    const token = res.status?.token;
    if (!token) throw new Error('the TokenRequest answer carries no token');
    return token;
  }
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
