// Two pods can't bind the same hostPort+protocol on one node unless they use
// different, specific host IPs.
import type { FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { HostPort } from '../pod-info.js';

export const HOST_PORTS_REASON = "node(s) didn't have free ports for the requested pod ports";

export function portsFit(ports: readonly HostPort[], node: NodeInfo): boolean {
  if (node.usedPorts.size === 0) return true;
  for (const p of ports) if (node.portInUse(p)) return false;
  return true;
}

const FAILURE = [HOST_PORTS_REASON] as const;

export const hostPortsFilter: FilterPlugin = {
  name: 'NodePorts',
  prepare(pod) {
    if (pod.hostPorts.length === 0) return undefined;
    return (node) => (portsFit(pod.hostPorts, node) ? undefined : FAILURE);
  },
};
