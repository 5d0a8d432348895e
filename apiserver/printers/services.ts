// Service rows: a port of printService (generated wide, so never clipped).

import type { KubeObject } from '../../api/meta.js';
import { at, list, num, optNum, str } from './accessors.js';
import { AGE, NAME, col, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { formatLabels } from './format.js';
import type { Printer } from './types.js';

function serviceType(svc: KubeObject): string {
  // Defaulting makes ClusterIP the type of a Service created without one.
  return str(svc.spec, 'type') || 'ClusterIP';
}

function stringList(value: unknown[]): string[] {
  return value.filter((v): v is string => typeof v === 'string');
}

/** Ingress IPs (or hostnames), de-duplicated and sorted like sets.String.List(). */
function loadBalancerIngress(svc: KubeObject): string[] {
  const seen = new Set<string>();
  for (const ing of list(svc.status, 'loadBalancer', 'ingress')) {
    const v = str(ing, 'ip') || str(ing, 'hostname');
    if (v !== '') seen.add(v);
  }
  return [...seen].sort();
}

export function externalIP(svc: KubeObject): string {
  const externalIPs = stringList(list(svc.spec, 'externalIPs'));
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = loadBalancerIngress(svc);
      if (externalIPs.length > 0) return [...ingress, ...externalIPs].join(',');
      return ingress.length > 0 ? ingress.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(svc.spec, 'externalName');
    default:
      return '<unknown>';
  }
}

export function portsString(svc: KubeObject): string {
  const pieces = list(svc.spec, 'ports').map((p) => {
    const protocol = str(p, 'protocol') || 'TCP';
    const nodePort = optNum(p, 'nodePort') ?? 0;
    return nodePort > 0 ? `${num(p, 'port')}:${nodePort}/${protocol}` : `${num(p, 'port')}/${protocol}`;
  });
  return pieces.length === 0 ? '<none>' : pieces.join(',');
}

function clusterIP(svc: KubeObject): string {
  const first = stringList(list(svc.spec, 'clusterIPs'))[0] ?? str(svc.spec, 'clusterIP');
  return first || '<none>';
}

export const servicePrinter: Printer = {
  columns: [
    NAME,
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  cells(svc, now) {
    return [
      svc.metadata.name ?? '',
      serviceType(svc),
      clusterIP(svc),
      externalIP(svc),
      portsString(svc),
      translateTimestampSince(svc.metadata.creationTimestamp, now),
      formatLabels(at(svc.spec, 'selector')),
    ];
  },
};
