// Node rows: a port of printNode.

import type { KubeObject } from '../../api/meta.js';
import { list, optBool, str } from './accessors.js';
import { AGE, NAME, col, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

function nodeStatus(node: KubeObject): string {
  const status: string[] = [];
  // Only Ready contributes, and the last Ready condition listed wins (a Go map keyed by type).
  const ready = list(node.status, 'conditions').filter((c) => str(c, 'type') === 'Ready').at(-1);
  if (ready !== undefined) status.push(str(ready, 'status') === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (optBool(node.spec, 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === LEGACY_ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: KubeObject, type: string): string {
  const found = list(node.status, 'addresses').find((a) => str(a, 'type') === type);
  return found === undefined ? '<none>' : str(found, 'address');
}

function info(node: KubeObject, field: string): string {
  return str(node.status, 'nodeInfo', field);
}

export const nodePrinter: Printer = {
  columns: [
    NAME,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE,
    col('Version', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', 'List of addresses reachable to the node.'),
    wide('External-IP', 'List of addresses reachable to the node.'),
    wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  cells(node, now) {
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node),
      translateTimestampSince(node.metadata.creationTimestamp, now),
      info(node, 'kubeletVersion'),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info(node, 'osImage') || '<unknown>',
      info(node, 'kernelVersion') || '<unknown>',
      info(node, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
};
