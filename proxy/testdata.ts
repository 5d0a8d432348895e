// Fixtures shared by the proxy's unit tests.
import type { Endpoints, Service, ServiceSpec } from '../api/types/index.js';

export function service(name: string, clusterIP: string, spec: Partial<ServiceSpec> = {}, namespace = 'default'): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' }], ...spec },
  };
}

export function endpoints(name: string, ips: string[], opts: { port?: number; portName?: string; nodeName?: string; notReady?: string[]; namespace?: string } = {}): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name, namespace: opts.namespace ?? 'default' },
    subsets: [{
      addresses: ips.map((ip) => ({ ip, nodeName: opts.nodeName ?? 'node-a' })),
      notReadyAddresses: (opts.notReady ?? []).map((ip) => ({ ip, nodeName: opts.nodeName ?? 'node-a' })),
      ports: [{ name: opts.portName ?? 'http', port: opts.port ?? 8080, protocol: 'TCP' }],
    }],
  };
}

/** endpoints lookup over a list, for buildModel */
export function lookup(list: Endpoints[]): (ns: string, name: string) => Endpoints | undefined {
  return (ns, name) => list.find((e) => e.metadata.name === name && (e.metadata.namespace ?? 'default') === ns);
}
