// A whole `kubelite up` cluster for tests and benchmarks, next to whatever else
// runs on the machine: its own cluster name (so its own nft table, chains and
// bridges), node name, random ports, a temp data dir and kubeconfig, a service
// /24 and pod /24 nobody uses, and a node address on a bridge the test creates
// (never the uplink). cleanup() purges the cluster and removes the bridge.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, KUBELITE, removeDir, tempDir, type RunResult } from './harness.js';

import { freeSubnet, run as exec, sh } from './net-harness.js';

export { exec, sh };

export interface UpClusterOptions {
  /** extra `kubelite up` flags */
  extraArgs?: string[];
}

export class UpCluster {
  readonly id = randomBytes(3).toString('hex');
  readonly name = `e2e-up-${this.id}`;
  readonly nodeName = `e2e-up-${this.id}`;
  readonly bridge = `klu${this.id}`;
  dataDir = '';
  kubeconfig = '';
  nodeIP = '';
  bridgeSubnet = '';
  serviceCIDR = '';
  clusterCIDR = '';
  apiserverPort = 0;
  dnsPort = 0;
  nodePortRange = '';
  private workDir = '';
  private routeLocalnetBefore?: string;
  private bridgeCreated = false;

  /** Creates the bridge and picks addresses and ports; does not start anything. */
  async prepare(): Promise<void> {
    // the proxy turns route_localnet on (NodePorts on 127.0.0.1); put back what was there
    this.routeLocalnetBefore = (await readFile('/proc/sys/net/ipv4/conf/all/route_localnet', 'utf8')).trim();
    this.workDir = await tempDir(`up-${this.id}`);
    this.dataDir = join(this.workDir, 'data');
    this.kubeconfig = join(this.workDir, 'kube', 'config');
    const x = await freeSubnet('10.250', 2, 250);
    this.nodeIP = `10.250.${x}.1`;
    this.bridgeSubnet = `10.250.${x}.0/24`;
    await sh('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    this.bridgeCreated = true;
    await sh('ip', ['addr', 'add', `${this.nodeIP}/24`, 'dev', this.bridge]);
    await sh('ip', ['link', 'set', this.bridge, 'up']);
    this.serviceCIDR = `10.96.${await freeSubnet('10.96', 100, 250)}.0/24`;
    this.clusterCIDR = `10.244.${await freeSubnet('10.244', 20, 250)}.0/24`;
    this.apiserverPort = await freePort();
    this.dnsPort = await freePort();
    const np = 30000 + 100 * Math.floor(Math.random() * 27);
    this.nodePortRange = `${np}-${np + 99}`;
  }

  async upArgs(extra: string[] = []): Promise<string[]> {
    return [
      'up', '--cluster-name', this.name, '--data-dir', this.dataDir, '--node-name', this.nodeName,
      '--node-ip', this.nodeIP, '--port', String(this.apiserverPort), '--service-cidr', this.serviceCIDR,
      '--cluster-cidr', this.clusterCIDR, '--service-node-port-range', this.nodePortRange,
      '--dns-port', String(this.dnsPort), '--kubelet-port', String(await freePort()),
      '--proxy-metrics-port', String(await freePort()), '--dns-metrics-port', String(await freePort()),
      // NodePorts only on loopback and the test's bridge, never on the uplink
      '--nodeport-addresses', `127.0.0.0/8,${this.bridgeSubnet}`,
      '--kubeconfig-path', this.kubeconfig, '--timeout', '150s', ...extra,
    ];
  }

  /** `kubelite <args>` with KUBECONFIG set to the merged kubeconfig, as a user would have it. */
  kubelite(args: string[], timeoutMs = 120_000): Promise<RunResult> {
    return exec(process.execPath, [KUBELITE, ...args], { timeoutMs, env: { KUBECONFIG: this.kubeconfig } });
  }

  get adminKubeconfig(): string {
    return join(this.dataDir, 'admin.kubeconfig');
  }

  async supervisorState(): Promise<{ pid: number; children: Record<string, number> } | undefined> {
    return JSON.parse(await readFile(join(this.dataDir, 'supervisor.json'), 'utf8').catch(() => 'null')) ?? undefined;
  }

  /** Purges the cluster (when its data dir is still there) and removes the bridge. */
  async cleanup(): Promise<void> {
    if (this.dataDir && existsSync(this.dataDir)) {
      await exec(process.execPath, [KUBELITE, 'down', '--data-dir', this.dataDir, '--purge', '--timeout', '20s'], { timeoutMs: 180_000 });
    }
    if (this.bridgeCreated) await exec('ip', ['link', 'del', this.bridge]);
    if (this.routeLocalnetBefore !== undefined) await writeFile('/proc/sys/net/ipv4/conf/all/route_localnet', this.routeLocalnetBefore).catch(() => undefined);
    if (this.workDir) await removeDir(this.workDir);
  }
}
