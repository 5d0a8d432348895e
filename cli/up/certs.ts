// Credentials of the cluster's components. `up` creates the cluster CA itself
// (pki/ca.crt + ca.key, the files the apiserver loads when they exist) so every
// component's kubeconfig can be written before anything starts. Component
// certificates are reissued on every `up`: cheap, and a changed node IP or name
// is then always covered.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildKubeconfig } from '../../client/kubeconfig.js';
import { generateCA, issueCertificate, type KeyPairPem } from '../../client/pki.js';
import { clusterPaths, type ComponentName } from './components.js';
import type { ClusterConfig } from './config.js';

export async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode });
  await rename(`${path}.tmp`, path);
}

export async function ensureCA(pkiDir: string): Promise<KeyPairPem> {
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const crt = join(pkiDir, 'ca.crt');
  const key = join(pkiDir, 'ca.key');
  if (existsSync(crt) && existsSync(key)) return { certPem: await readFile(crt, 'utf8'), keyPem: await readFile(key, 'utf8') };
  const ca = await generateCA('kubelite-ca');
  // key first: the apiserver treats a lone ca.crt as missing and would create a new CA
  await writeAtomic(key, ca.keyPem, 0o600);
  await writeAtomic(crt, ca.certPem, 0o644);
  return ca;
}

/** Who each component is towards the apiserver (CN = user, O = groups). */
export function componentIdentity(c: Exclude<ComponentName, 'apiserver'>, nodeName: string): { user: string; groups: string[] } {
  switch (c) {
    case 'controller-manager': return { user: 'system:kube-controller-manager', groups: [] };
    case 'scheduler': return { user: 'system:kube-scheduler', groups: [] };
    case 'kubelet': return { user: `system:node:${nodeName}`, groups: ['system:nodes'] };
    case 'proxy': return { user: 'system:kube-proxy', groups: [] };
    case 'dns': return { user: 'system:kube-dns', groups: [] };
  }
}

/**
 * A client certificate + kubeconfig per component and the kubelet's gRPC serving
 * certificate. `server` is what the kubeconfigs point at: loopback for `up`, the
 * advertise address for `init` (the same files then serve the systemd units).
 */
export async function writeComponentCredentials(cfg: ClusterConfig, server = `https://127.0.0.1:${cfg.apiserverPort}`): Promise<KeyPairPem> {
  const p = clusterPaths(cfg.dataDir);
  const ca = await ensureCA(p.pki);
  const clients = ['controller-manager', 'scheduler', 'kubelet', 'proxy', 'dns'] as const;
  await Promise.all(clients.map(async (c) => {
    const id = componentIdentity(c, cfg.nodeName);
    const pair = await issueCertificate(ca, { commonName: id.user, organizations: id.groups, usage: 'client', days: 3650 });
    const text = buildKubeconfig({
      clusterName: cfg.names.context, server, caData: ca.certPem, contextName: c,
      user: { name: id.user, certData: pair.certPem, keyData: pair.keyPem },
    });
    await writeAtomic(p.kubeconfig(c), text, 0o600);
  }));
  // the kubelet's gRPC serving certificate (the apiserver dials InternalIP and checks it against the CA)
  const serving = await issueCertificate(ca, {
    commonName: `system:node:${cfg.nodeName}`, organizations: ['system:nodes'], usage: 'server', days: 3650,
    dnsNames: [cfg.nodeName, 'localhost'], ipAddresses: [...new Set([cfg.nodeIP, '127.0.0.1'])],
  });
  await writeAtomic(join(p.pki, 'kubelet.key'), serving.keyPem, 0o600);
  await writeAtomic(join(p.pki, 'kubelet.crt'), serving.certPem, 0o644);
  return ca;
}
