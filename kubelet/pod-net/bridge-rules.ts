// iptables rules for pods on the kubelet's own bridge, rendered by a pure function
// (the plumbing that Docker's network driver did before, and CNI's bridge and
// portmap plugins do in Kubernetes): masquerade of pod traffic leaving the node,
// hostPort DNAT, and forwarding into and out of the bridge (Docker's FORWARD policy
// is DROP). Written with one `iptables-restore --noflush`: declaring a chain
// flushes it, so a write always leaves exactly the rendered rules.
import { chainNames } from '../pod-network-rules.js';

export interface HostPortMapping {
  hostPort: number;
  /** local address the port is published on; undefined or 0.0.0.0 = every local address */
  hostIP?: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  podIP: string;
  containerPort: number;
  /** `namespace/name`, for the rule comment */
  pod: string;
}

export interface BridgeRulesConfig {
  nodeName: string;
  bridge: string;
  podCIDR: string;
  /** pod→pod traffic inside it keeps its source address */
  clusterCIDR?: string;
  hostPorts: readonly HostPortMapping[];
}

const comment = (text: string): string => `-m comment --comment "${text.replace(/["\\]/g, '')}"`;

/** Host ports of one pod, from its containers' `ports` (hostNetwork pods publish nothing: they are on the host already). */
export function hostPortsOf(
  pod: { metadata: { name?: string; namespace?: string }; spec: { hostNetwork?: boolean; containers: ReadonlyArray<{ ports?: ReadonlyArray<{ containerPort: number; hostPort?: number; hostIP?: string; protocol?: string }> }>; initContainers?: ReadonlyArray<{ ports?: ReadonlyArray<{ containerPort: number; hostPort?: number; hostIP?: string; protocol?: string }> }> } },
  podIP: string,
): HostPortMapping[] {
  if (pod.spec.hostNetwork) return [];
  const out: HostPortMapping[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      const protocol = (p.protocol ?? 'TCP').toUpperCase();
      out.push({
        hostPort: p.hostPort, hostIP: p.hostIP || undefined, protocol: protocol === 'UDP' || protocol === 'SCTP' ? protocol : 'TCP',
        podIP, containerPort: p.containerPort, pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`,
      });
    }
  }
  return out;
}

export function renderBridgeChains(cfg: BridgeRulesConfig): string {
  const c = chainNames(cfg.nodeName);
  const br = cfg.bridge;
  const nat = ['*nat', `:${c.masq} - [0:0]`, `:${c.hostPorts} - [0:0]`];
  const sorted = [...cfg.hostPorts].sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol) || (a.hostIP ?? '').localeCompare(b.hostIP ?? ''));
  for (const m of sorted) {
    const proto = m.protocol.toLowerCase();
    // a pod reaching its own hostPort: without SNAT its reply would stay on its loopback
    nat.push(`-A ${c.masq} -s ${m.podIP}/32 -d ${m.podIP}/32 -p ${proto} -m ${proto} --dport ${m.containerPort} ${comment(`${m.pod} hostPort hairpin`)} -j MASQUERADE`);
  }
  if (cfg.clusterCIDR) nat.push(`-A ${c.masq} -s ${cfg.podCIDR} -d ${cfg.clusterCIDR} ${comment('pod to pod keeps its source IP')} -j RETURN`);
  nat.push(
    `-A ${c.masq} -s ${cfg.podCIDR} ! -o ${br} ${comment('pods reaching beyond the node')} -j MASQUERADE`,
    // hostPort on 127.0.0.1: a loopback source cannot go out on the bridge
    `-A ${c.masq} -s 127.0.0.0/8 -o ${br} ${comment('host loopback to pods')} -j MASQUERADE`,
  );
  for (const m of sorted) {
    const proto = m.protocol.toLowerCase();
    const dst = m.hostIP && m.hostIP !== '0.0.0.0' ? `-d ${m.hostIP}/32 ` : '';
    nat.push(`-A ${c.hostPorts} ${dst}-p ${proto} -m ${proto} --dport ${m.hostPort} ${comment(`${m.pod} hostPort ${m.hostPort}`)} -j DNAT --to-destination ${m.podIP}:${m.containerPort}`);
  }
  nat.push('COMMIT');
  const filter = [
    '*filter',
    `:${c.bridge} - [0:0]`,
    `-A ${c.bridge} -i ${br} ${comment('forward traffic from pods')} -j ACCEPT`,
    `-A ${c.bridge} -o ${br} ${comment('forward traffic to pods')} -j ACCEPT`,
    'COMMIT',
  ];
  return [...nat, ...filter, ''].join('\n');
}

/** Hook rules that lead into the bridge chains: [table, hook, args, must be first]. */
export function bridgeJumps(nodeName: string, filterHook: string): Array<{ table: string; hook: string; args: string[]; first: boolean }> {
  const c = chainNames(nodeName);
  const tag = ['-m', 'comment', '--comment', `kubelite pod network ${nodeName}`];
  const local = ['-m', 'addrtype', '--dst-type', 'LOCAL'];
  return [
    { table: 'nat', hook: 'POSTROUTING', args: [...tag, '-j', c.masq], first: false },
    { table: 'nat', hook: 'PREROUTING', args: [...local, ...tag, '-j', c.hostPorts], first: false },
    { table: 'nat', hook: 'OUTPUT', args: [...local, ...tag, '-j', c.hostPorts], first: false },
    { table: 'filter', hook: filterHook, args: [...tag, '-j', c.bridge], first: true },
  ];
}
