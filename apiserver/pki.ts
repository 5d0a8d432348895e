// The apiserver's certificates under <data-dir>/pki: created on first start, reused after.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generateCA, issueCertificate, type KeyPairPem } from '../client/pki.js';

export interface ApiserverPki {
  ca: KeyPairPem;
  serving: KeyPairPem;
  admin: KeyPairPem;
  /** the apiserver's client identity towards kubelets (logs, exec, port-forward, stats) */
  kubeletClient: KeyPairPem;
  dir: string;
}

async function loadPair(dir: string, name: string): Promise<KeyPairPem | undefined> {
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  if (!existsSync(crt) || !existsSync(key)) return undefined;
  return { certPem: await readFile(crt, 'utf8'), keyPem: await readFile(key, 'utf8') };
}

async function savePair(dir: string, name: string, pair: KeyPairPem): Promise<void> {
  await writeFile(join(dir, `${name}.key`), pair.keyPem, { mode: 0o600 });
  await writeFile(join(dir, `${name}.crt`), pair.certPem, { mode: 0o644 });
}

function coversSans(certPem: string, dnsNames: string[], ips: string[]): boolean {
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  return dnsNames.every((d) => san.includes(`DNS:${d}`)) && ips.every((ip) => san.includes(`IP Address:${ip}`));
}

export async function ensureApiserverPki(dataDir: string, sans: { dnsNames: string[]; ipAddresses: string[] }): Promise<ApiserverPki> {
  const dir = join(dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let ca = await loadPair(dir, 'ca');
  if (!ca) {
    ca = await generateCA('kubelite-ca');
    await savePair(dir, 'ca', ca);
  }
  let serving = await loadPair(dir, 'apiserver');
  // a new address (e.g. --advertise-address) needs a serving cert that names it
  if (!serving || !coversSans(serving.certPem, sans.dnsNames, sans.ipAddresses)) {
    serving = await issueCertificate(ca, { commonName: 'kube-apiserver', usage: 'server', days: 3650, ...sans });
    await savePair(dir, 'apiserver', serving);
  }
  let admin = await loadPair(dir, 'admin');
  if (!admin) {
    admin = await issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client', days: 3650 });
    await savePair(dir, 'admin', admin);
  }
  let kubeletClient = await loadPair(dir, 'apiserver-kubelet-client');
  if (!kubeletClient) {
    kubeletClient = await issueCertificate(ca, {
      commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client', days: 3650,
    });
    await savePair(dir, 'apiserver-kubelet-client', kubeletClient);
  }
  return { ca, serving, admin, kubeletClient, dir };
}
