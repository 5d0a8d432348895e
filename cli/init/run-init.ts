// `kubelite init`: sets up this machine as a cluster's control plane (and a
// node): credentials, host.json, the components (systemd units or a detached
// `kubelite start`), then the objects joining nodes need — the bootstrap token
// Secret and kube-public/cluster-info — and prints the join command last.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { bootstrapTokenSecret, generateBootstrapToken, parseBootstrapToken } from '../../api/bootstrap-token.js';
import { isAlreadyExists, isNotFound } from '../../api/errors.js';
import type { ConfigMap, Node } from '../../api/types/index.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { caCertHash } from '../../client/pki.js';
import { RestClient } from '../../client/rest.js';
import { ensureDocker } from '../up/docker.js';
import { checkPortsFree } from '../up/ports.js';
import { Progress } from '../up/progress.js';
import { apiserverReadyz, getNode, nodeReadiness, waitUntil } from '../up/readiness.js';
import { writeHostConfig } from '../start/host-config.js';
import { startDetached } from '../start/run-start.js';
import { installUnits, systemdFacts, systemdUnusableReason } from '../start/systemd.js';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, clusterInfoConfigMap, joinCommand, namespaceObject } from './cluster-info.js';
import { writeComponentCredentials } from '../up/certs.js';
import { CONTROL_PLANE_LABEL, type InitPlan } from './plan.js';

export interface InitOptions {
  token?: string;
  /** 0: the token never expires */
  tokenTtlMs: number;
  timeoutMs: number;
}

/** Files whose presence means the data dir already holds a cluster or a node. */
export function initialisedMarkers(dataDir: string): string[] {
  return ['host.json', 'pki/ca.crt', 'db', 'kubelet.kubeconfig'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
}

export async function dockerReachable(dockerHost: string): Promise<string> {
  if (dockerHost === 'unix:///var/run/docker.sock') return ensureDocker((line) => process.stdout.write(`    ${line}\n`));
  const socketPath = dockerHost.replace(/^unix:\/\//, '');
  try {
    return (await new Dockerode({ socketPath, timeout: 5000 }).version()).Version;
  } catch (e) {
    throw new Error(`the Docker engine at ${dockerHost} does not answer: ${(e as Error).message}`);
  }
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

export async function runInit(plan: InitPlan, o: InitOptions): Promise<void> {
  const { cfg, host } = plan;
  const d = cfg.dataDir;
  const markers = initialisedMarkers(d);
  if (markers.length) throw new Error(`${d} is already initialised (${markers[0]} exists): run \`kubelite reset --data-dir ${d}\` first`);
  const token = o.token ?? generateBootstrapToken();
  if (!parseBootstrapToken(token)) throw new Error(`--token "${token}" must look like [a-z0-9]{6}.[a-z0-9]{16}`);
  if (host.systemd) {
    const why = systemdUnusableReason(systemdFacts());
    if (why) throw new Error(why);
  }
  const progress = new Progress(process.stdout);
  const step = <T>(label: string, fn: () => Promise<T>, done?: (v: T) => string): Promise<T> => progress.run(label, fn, done);
  progress.line(`Initialising control plane "${cfg.clusterName}" on ${cfg.nodeName} (${host.server}), data in ${d}`);
  await step('Docker engine', () => dockerReachable(host.dockerHost), (v) => `Docker engine ${v}`);
  await step('ports free', () => checkPortsFree(cfg));
  await mkdir(join(d, 'logs'), { recursive: true, mode: 0o755 });
  const ca = await step('CA, certificates and kubeconfigs', () => writeComponentCredentials(cfg, host.server));
  await writeHostConfig(host);

  if (host.systemd) {
    await step('systemd units', () => installUnits(host.components, `control plane ${cfg.clusterName}, node ${cfg.nodeName}`), (u) => `systemd units enabled: ${u.join(' ')}`);
  } else {
    await step('components (kubelite start --detach)', () => startDetached(d), (r) => `components started (supervisor pid ${r.pid})`);
  }

  const logs = join(d, 'logs');
  const wait = async <T>(label: string, check: () => Promise<T | undefined>, log: string): Promise<T> => {
    try {
      return await step(label, () => waitUntil(label, check, { timeoutMs: o.timeoutMs, everyMs: 200 }));
    } catch (e) {
      progress.line(`  last lines of ${log}:\n${await tail(log)}`);
      throw e;
    }
  };
  const adminPath = join(d, 'admin.kubeconfig');
  await wait(`apiserver ${host.server}`, async () => ((await apiserverReadyz(cfg.apiserverPort, ca.certPem, 1000)) === 200 && existsSync(adminPath) ? true : undefined), join(logs, 'apiserver.log'));
  const client = new RestClient(loadKubeconfig({ path: adminPath }), { timeoutMs: 10_000 });
  try {
    await step('bootstrap token and cluster-info', async () => {
      const secrets = client.resource('v1', 'Secret');
      await client.create(secrets, 'kube-system', bootstrapTokenSecret(token, {
        ttlSeconds: o.tokenTtlMs ? Math.round(o.tokenTtlMs / 1000) : undefined, description: 'made by kubelite init',
      }));
      await client.create(client.resource('v1', 'Namespace'), undefined, namespaceObject(CLUSTER_INFO_NAMESPACE)).catch((e: unknown) => {
        if (!isAlreadyExists(e)) throw e;
      });
      const cm = clusterInfoConfigMap(host.server, ca.certPem, {
        clusterName: cfg.clusterName, clusterCIDR: cfg.clusterCIDR, serviceCIDR: cfg.serviceCIDR, clusterDNS: cfg.dnsServiceIP,
        clusterDomain: cfg.clusterDomain, proxyMode: cfg.proxyMode,
      });
      const cms = client.resource('v1', 'ConfigMap');
      try {
        await client.create(cms, CLUSTER_INFO_NAMESPACE, cm);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const old = await client.get<ConfigMap>(cms, CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME);
        await client.update(cms, CLUSTER_INFO_NAMESPACE, { ...cm, metadata: { ...cm.metadata, resourceVersion: old.metadata.resourceVersion } });
      }
    });
    const node = await wait(`node ${cfg.nodeName} Ready`, async () => {
      const n = await getNode(client, cfg.nodeName);
      const r = nodeReadiness(n);
      if (!r.ready) throw new Error(r.why);
      return n;
    }, join(logs, 'kubelet.log'));
    // like kubeadm's mark-control-plane: the kubelet may not give itself a node-role label
    if (node && node.metadata.labels?.[CONTROL_PLANE_LABEL] === undefined) {
      await client.patch<Node>(client.resource('v1', 'Node'), undefined, cfg.nodeName, { metadata: { labels: { [CONTROL_PLANE_LABEL]: '' } } }, 'merge').catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    }
  } finally {
    client.close();
  }
  const cmd = joinCommand(host.server, token, caCertHash(ca.certPem));
  await writeFile(join(d, 'join-command'), `${cmd}\n`, { mode: 0o600 });
  progress.close();
  process.stdout.write([
    '',
    `Your kubelite control plane "${cfg.clusterName}" is ready.`,
    `  admin kubeconfig: ${adminPath}   (kubectl --kubeconfig ${adminPath} get nodes)`,
    `  logs:             ${host.systemd ? 'journalctl -u kubelite-<component>' : `${logs}/<component>.log`}`,
    `  undo:             kubelite reset --data-dir ${d}`,
    `Join workers by running, as root on each of them (the token expires ${o.tokenTtlMs ? `in ${Math.round(o.tokenTtlMs / 3_600_000 * 10) / 10}h` : 'never'}; \`kubelite token create --print-join-command\` makes a new one):`,
    '',
    cmd,
  ].join('\n') + '\n');
}
