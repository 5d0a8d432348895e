// The control plane's credentials: the cluster CA (which also signs the
// certificates of joining nodes' CSRs), a client certificate and kubeconfig per
// component pointing at https://<advertise-address>:<port>, and the master
// kubelet's gRPC serving certificate. The apiserver makes its own serving
// certificate (SANs: advertise address, 127.0.0.1, the kubernetes Service IP,
// the host name) and admin.kubeconfig on its first start.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildKubeconfig } from '../../client/kubeconfig.js';
import { issueCertificate, type KeyPairPem } from '../../client/pki.js';
import { componentIdentity, ensureCA } from '../up/certs.js';
import { clusterPaths } from '../up/components.js';
import type { ClusterConfig } from '../up/config.js';

export async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode });
  await rename(`${path}.tmp`, path);
}

export async function writeControlPlaneCredentials(cfg: ClusterConfig, server: string): Promise<KeyPairPem> {
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
  const serving = await issueCertificate(ca, {
    commonName: `system:node:${cfg.nodeName}`, organizations: ['system:nodes'], usage: 'server', days: 3650,
    dnsNames: [cfg.nodeName, 'localhost'], ipAddresses: [...new Set([cfg.nodeIP, '127.0.0.1'])],
  });
  await writeAtomic(join(p.pki, 'kubelet.key'), serving.keyPem, 0o600);
  await writeAtomic(join(p.pki, 'kubelet.crt'), serving.certPem, 0o644);
  return ca;
}
