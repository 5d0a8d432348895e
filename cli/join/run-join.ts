// `kubelite join IP:PORT --token T --discovery-token-ca-cert-hash sha256:H`: makes
// this machine a worker. Discovers and pins the cluster CA, authenticates with
// the bootstrap token to get the kubelet's client certificate through a CSR
// (auto-approved and signed by the controller-manager), then with the node's own
// credentials a serving certificate, writes host.json and starts kubelet + proxy.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBootstrapToken } from '../../api/bootstrap-token.js';
import { ApiError } from '../../api/errors.js';
import { createKeyAndCsr, KUBELET_CLIENT_SIGNER, KUBELET_CLIENT_USAGES, KUBELET_SERVING_SIGNER, requestCertificate } from '../../client/csr.js';
import { buildKubeconfig, loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { dockerReachable, initialisedMarkers } from '../init/run-init.js';
import { isLocalAddress } from '../up/node-ip.js';
import { Progress } from '../up/progress.js';
import { getNode, nodeReadiness, waitUntil } from '../up/readiness.js';
import { writeHostConfig } from '../start/host-config.js';
import { startDetached } from '../start/run-start.js';
import { installUnits, systemdFacts, systemdUnusableReason } from '../start/systemd.js';
import { writeAtomic } from '../up/certs.js';
import { apiserverURL, checkCAHash, fetchClusterInfo, validateCAHashFlag } from './discovery.js';
import { planWorker, workerClusterConfig, workerPaths, type JoinFlags } from './plan.js';


export interface JoinOptions extends JoinFlags {
  endpoint: string;
  token: string;
  caCertHash: string;
  timeoutMs: number;
  /** how long to wait for the serving certificate before falling back to a self-signed one */
  servingCertTimeoutMs: number;
  defaultNodeIP?: string;
}

/** The one-line message for a refused token; other errors pass through. */
export function explainTokenError(e: unknown): Error {
  if (e instanceof ApiError && e.code === 401) {
    return new Error('the bootstrap token was refused by the apiserver (401 Unauthorized): it is wrong, expired or deleted');
  }
  if (e instanceof ApiError && e.code === 403) {
    return new Error(`the apiserver did not let the bootstrap token create a CertificateSigningRequest (403 Forbidden): ${e.message}`);
  }
  return e as Error;
}

function csrName(prefix: string, nodeName: string): string {
  return `${prefix}-${nodeName}-${randomBytes(4).toString('hex')}`.slice(0, 253);
}

export async function runJoin(o: JoinOptions): Promise<void> {
  const d = o.dataDir;
  const markers = initialisedMarkers(d);
  if (markers.length) throw new Error(`${d} is already set up (${markers[0]} exists): run \`kubelite reset --data-dir ${d}\` first`);
  if (!parseBootstrapToken(o.token)) throw new Error(`--token "${o.token}" must look like [a-z0-9]{6}.[a-z0-9]{16}`);
  validateCAHashFlag(o.caCertHash);
  if (o.systemd) {
    const why = systemdUnusableReason(systemdFacts());
    if (why) throw new Error(why);
  }
  const server = apiserverURL(o.endpoint);
  const progress = new Progress(process.stdout);
  const step = <T>(label: string, fn: () => Promise<T>, done?: (v: T) => string): Promise<T> => progress.run(label, fn, done);
  progress.line(`Joining ${server} as node ${o.nodeName}, data in ${d}`);
  const info = await step('cluster CA (cluster-info)', async () => {
    const i = await fetchClusterInfo(server);
    checkCAHash(i.caPem, o.caCertHash);
    return i;
  }, () => `cluster CA matches ${o.caCertHash.slice(0, 19)}…`);
  const settings = info.settings;
  if (!settings) throw new Error(`kube-public/cluster-info on ${server} has no kubelite-config: the control plane was not set up with kubelite init`);
  const cfg = workerClusterConfig(o, settings, o.defaultNodeIP);
  if (!isLocalAddress(cfg.nodeIP)) throw new Error(`--node-ip ${cfg.nodeIP} is not an address of this machine`);
  await step('Docker engine', () => dockerReachable(o.dockerHost), (v) => `Docker engine ${v}`);

  const p = workerPaths(d);
  const identity = { commonName: `system:node:${cfg.nodeName}`, organizations: ['system:nodes'] };
  const client = await step('kubelet client certificate (CSR with the bootstrap token)', async () => {
    const rest = new RestClient({ server, ca: Buffer.from(info.caPem), token: o.token, namespace: 'default' }, { timeoutMs: 10_000 });
    try {
      const { keyPem, csrPem } = await createKeyAndCsr(identity);
      const certPem = await requestCertificate(rest, {
        name: csrName('node-csr', cfg.nodeName), csrPem, signerName: KUBELET_CLIENT_SIGNER,
        usages: KUBELET_CLIENT_USAGES, timeoutMs: o.timeoutMs,
      });
      return { keyPem, certPem };
    } catch (e) {
      throw explainTokenError(e);
    } finally {
      rest.close();
    }
  });
  await mkdir(p.pki, { recursive: true, mode: 0o700 });
  await mkdir(join(d, 'logs'), { recursive: true, mode: 0o755 });
  await writeAtomic(p.ca, info.caPem, 0o644);
  await writeAtomic(p.kubeconfig, buildKubeconfig({
    clusterName: cfg.names.context, server, caData: info.caPem, contextName: `system:node:${cfg.nodeName}`,
    user: { name: `system:node:${cfg.nodeName}`, certData: client.certPem, keyData: client.keyPem },
  }), 0o600);

  const nodeClient = new RestClient(loadKubeconfig({ path: p.kubeconfig }), { timeoutMs: 10_000 });
  try {
    const serving = await step('kubelet serving certificate (CSR with the node credentials)', async () => {
      try {
        const { keyPem, csrPem } = await createKeyAndCsr({
          commonName: `system:node:${cfg.nodeName}`, organizations: ['system:nodes'], dnsNames: [cfg.nodeName], ipAddresses: [cfg.nodeIP],
        });
        const certPem = await requestCertificate(nodeClient, {
          name: csrName('kubelet-serving', cfg.nodeName), csrPem, signerName: KUBELET_SERVING_SIGNER,
          usages: ['digital signature', 'server auth'], timeoutMs: o.servingCertTimeoutMs,
        });
        await writeAtomic(p.servingKey, keyPem, 0o600);
        await writeAtomic(p.servingCert, certPem, 0o644);
        return true;
      } catch (e) {
        progress.line(`  ! no CA-signed serving certificate (${(e as Error).message}); the kubelet serves a self-signed one, so logs/exec/port-forward to this node fail until it is rejoined`);
        return false;
      }
    }, (ok) => (ok ? 'kubelet serving certificate' : 'kubelet serving certificate: self-signed'));

    const host = planWorker(o, server, cfg, settings, serving);
    await writeHostConfig(host);
    if (host.systemd) {
      await step('systemd units', () => installUnits(host.components, `worker ${cfg.nodeName} of cluster ${cfg.clusterName}`), (u) => `systemd units enabled: ${u.join(' ')}`);
    } else {
      await step('kubelet and proxy (kubelite start --detach)', () => startDetached(d), (r) => `kubelet and proxy started (supervisor pid ${r.pid})`);
    }
    await step(`node ${cfg.nodeName} Ready`, () => waitUntil(`node ${cfg.nodeName} Ready`, async () => {
      const r = nodeReadiness(await getNode(nodeClient, cfg.nodeName));
      if (!r.ready) throw new Error(r.why);
      return true;
    }, { timeoutMs: o.timeoutMs, everyMs: 200 }));
  } finally {
    nodeClient.close();
  }
  progress.close();
  process.stdout.write(`\nThis node (${cfg.nodeName}, ${cfg.nodeIP}) has joined the cluster "${cfg.clusterName}". On the control plane: kubectl get nodes\n`);
}
