// Ports the cluster's components will listen on, checked before anything starts:
// a port another program (or another cluster) holds would otherwise show up only
// as a component restarting over and over.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { ClusterConfig } from './config.js';

export interface PortUse {
  port: number;
  host: string;
  proto: 'tcp' | 'udp';
  /** the flag that moves it */
  flag: string;
}

export function clusterPorts(cfg: ClusterConfig): PortUse[] {
  const ports: PortUse[] = [
    { port: cfg.apiserverPort, host: '0.0.0.0', proto: 'tcp', flag: '--port' },
    { port: cfg.kubeletPort, host: '0.0.0.0', proto: 'tcp', flag: '--kubelet-port' },
    { port: cfg.dnsPort, host: cfg.nodeIP, proto: 'tcp', flag: '--dns-port' },
    { port: cfg.dnsPort, host: cfg.nodeIP, proto: 'udp', flag: '--dns-port' },
  ];
  if (cfg.proxyMetricsPort) ports.push({ port: cfg.proxyMetricsPort, host: '127.0.0.1', proto: 'tcp', flag: '--proxy-metrics-port' });
  if (cfg.dnsMetricsPort) ports.push({ port: cfg.dnsMetricsPort, host: '127.0.0.1', proto: 'tcp', flag: '--dns-metrics-port' });
  return ports;
}

function free(p: PortUse): Promise<boolean> {
  return new Promise((resolve) => {
    if (p.proto === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(p.port, p.host, () => s.close(() => resolve(true)));
      return;
    }
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(p.port, p.host, () => s.close(() => resolve(true)));
  });
}

/** Throws naming every port in use and the flag that changes it. */
export async function checkPortsFree(cfg: ClusterConfig): Promise<void> {
  const busy: PortUse[] = [];
  for (const p of clusterPorts(cfg)) if (!(await free(p))) busy.push(p);
  if (busy.length === 0) return;
  const list = busy.map((p) => `${p.proto} ${p.host}:${p.port} (${p.flag})`).join(', ');
  throw new Error(`already in use: ${list}. Another cluster or program holds it; stop it, or choose other ports with the flags named`);
}
