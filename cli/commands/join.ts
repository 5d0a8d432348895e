import { Option, type Command } from 'commander';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseIntFlag } from './daemon.js';
import { parseDuration } from './controller-manager.js';
import { DEFAULT_HOST_DATA_DIR } from './init.js';

export function registerJoin(program: Command): void {
  program
    .command('join')
    .description('Join this machine to a cluster made by kubelite init, as a worker node (kubelet + proxy).')
    .argument('<apiserver>', 'the control plane\'s IP:PORT, as printed by kubelite init')
    .requiredOption('--token <token>', 'bootstrap token ([a-z0-9]{6}.[a-z0-9]{16})')
    .requiredOption('--discovery-token-ca-cert-hash <sha256:hex>', 'hash of the cluster CA\'s public key; the join stops when the apiserver presents another CA')
    .option('--node-name <name>', 'name of this machine\'s Node', hostname().toLowerCase())
    .option('--node-ip <ip>', 'this node\'s address the others reach it on (default: the address of the default-route interface)')
    .option('--data-dir <dir>', 'certificates, kubeconfig, logs and kubelet state', DEFAULT_HOST_DATA_DIR)
    .option('--no-systemd', 'do not install systemd units: run kubelet and proxy under a detached `kubelite start` supervisor')
    .option('--docker-host <url>', 'Docker endpoint of the kubelet', 'unix:///var/run/docker.sock')
    .option('--kubelet-port <port>', 'kubelet gRPC (logs/exec/port-forward) port', parseIntFlag('kubelet-port'), 10250)
    .option('--proxy-metrics-port <port>', "proxy's /metrics port on 127.0.0.1 (0: off)", parseIntFlag('proxy-metrics-port'), 10249)
    .addOption(new Option('--timeout <d>', 'how long to wait for the certificate and for the node to be Ready').argParser(parseDuration).default(180_000, '3m'))
    .addHelpText('after', `
Writes <data-dir>/pki/ca.crt, <data-dir>/kubelet.kubeconfig (the node's own client
certificate, also used by the proxy), the kubelet's serving certificate and
host.json, then starts kubelet and proxy and waits for the node to be Ready.

Examples:
  kubelite join 192.168.1.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1234…
  kubelite join 172.30.0.10:6443 --token … --discovery-token-ca-cert-hash sha256:… --node-name w1 --node-ip 172.30.0.11 --no-systemd`)
    .action(async (endpoint: string, o: {
      token: string; discoveryTokenCaCertHash: string; nodeName: string; nodeIp?: string; dataDir: string; systemd: boolean;
      dockerHost: string; kubeletPort: number; proxyMetricsPort: number; timeout: number;
    }) => {
      const { runJoin } = await import('../join/run-join.js');
      const { defaultNodeIP } = await import('../up/node-ip.js');
      const dataDir = resolve(o.dataDir);
      const { existsSync } = await import('node:fs');
      const fresh = !existsSync(`${dataDir}/host.json`);
      try {
        await runJoin({
          ...o, endpoint, dataDir, caCertHash: o.discoveryTokenCaCertHash, timeoutMs: o.timeout,
          servingCertTimeoutMs: 30_000, defaultNodeIP: await defaultNodeIP(),
        });
      } catch (e) {
        const hint = fresh && existsSync(`${dataDir}/host.json`) ? `; \`kubelite reset --data-dir ${dataDir}\` undoes what was set up` : '';
        process.stderr.write(`kubelite join: ${(e as Error).message}${hint}\n`);
        process.exit(1);
      }
    });
}
