// Token discovery, like kubeadm's: fetch kube-public/cluster-info from the
// apiserver without credentials and without verifying TLS (the CA is not known
// yet), take the CA from its kubeconfig, and trust it only when its public-key
// hash equals --discovery-token-ca-cert-hash. Everything after that verifies TLS
// against this CA.
import { parse as parseYaml } from 'yaml';
import { isApiError } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { ConfigMap } from '../../api/types/index.js';
import { caCertHash } from '../../client/pki.js';
import { RestClient } from '../../client/rest.js';
import { CLUSTER_SETTINGS_KEY, type ClusterSettings } from '../init/cluster-info.js';

const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;

export interface ClusterInfo {
  /** server URL published by the control plane */
  server: string;
  caPem: string;
  settings?: ClusterSettings;
}

/** `IP:PORT` (or `https://IP:PORT`) → `https://IP:PORT`; port 6443 when left out. */
export function apiserverURL(endpoint: string): string {
  const bare = endpoint.replace(/^https:\/\//, '').replace(/\/+$/, '');
  const m = /^([0-9a-zA-Z.-]+)(?::(\d{1,5}))?$/.exec(bare);
  if (!m) throw new Error(`"${endpoint}" is not an apiserver address: give IP:PORT, e.g. 192.168.1.10:6443`);
  return `https://${m[1]}:${m[2] ?? '6443'}`;
}

/** Pure: cluster-info's data → CA and server, or an error saying what is wrong with it. */
export function parseClusterInfo(data: Record<string, string> | undefined): ClusterInfo {
  const text = data?.kubeconfig;
  if (!text) throw new Error('cluster-info has no kubeconfig');
  const doc = parseYaml(text) as { clusters?: Array<{ cluster?: { server?: string; 'certificate-authority-data'?: string } }> };
  const cluster = doc?.clusters?.[0]?.cluster;
  const caB64 = cluster?.['certificate-authority-data'];
  if (!cluster?.server || !caB64) throw new Error('cluster-info\'s kubeconfig lacks a server or certificate-authority-data');
  const info: ClusterInfo = { server: cluster.server, caPem: Buffer.from(caB64, 'base64').toString('utf8') };
  const s = data?.[CLUSTER_SETTINGS_KEY];
  if (s) info.settings = JSON.parse(s) as ClusterSettings;
  return info;
}

/** Throws the one-line error join prints when the CA is not the one the user pinned. */
export function checkCAHash(caPem: string, expected: string): void {
  const actual = caCertHash(caPem);
  if (actual.toLowerCase() !== expected.toLowerCase()) {
    throw new Error(`the cluster CA's hash ${actual} does not match --discovery-token-ca-cert-hash ${expected}`);
  }
}

export function validateCAHashFlag(v: string): void {
  if (!/^sha256:[0-9a-fA-F]{64}$/.test(v)) throw new Error(`--discovery-token-ca-cert-hash "${v}" must look like sha256:<64 hex digits>`);
}

/** GET cluster-info anonymously, TLS unverified (the CA is checked by its hash afterwards). */
export async function fetchClusterInfo(server: string, timeoutMs = 10_000): Promise<ClusterInfo> {
  const rest = new RestClient({ server, insecureSkipTLSVerify: true, namespace: 'kube-public' }, { timeoutMs });
  let cm: ConfigMap;
  try {
    cm = await rest.get<ConfigMap>(CONFIGMAPS, 'kube-public', 'cluster-info');
  } catch (e) {
    if (isApiError(e)) throw new Error(`cannot read kube-public/cluster-info from ${server} (HTTP ${e.code}): ${e.message}`);
    throw new Error(`cannot reach the apiserver at ${server}: ${(e as Error).message}`);
  } finally {
    rest.close();
  }
  try {
    return parseClusterInfo(cm.data);
  } catch (e) {
    throw new Error(`kube-public/cluster-info from ${server}: ${(e as Error).message}`);
  }
}
