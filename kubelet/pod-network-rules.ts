// iptables rules the kubelet owns for the cross-node pod network, rendered by pure
// functions: a nat chain that keeps pod→pod traffic inside the cluster CIDR from
// being masqueraded (Docker masquerades everything leaving its bridge), and a
// filter chain that lets cluster-CIDR traffic be forwarded (Docker's FORWARD
// policy is DROP and only lets established traffic into its bridges). Chain names
// carry a hash of the node name so kubelets sharing one machine keep apart.
import { createHash } from 'node:crypto';

/** Every chain this kubelet owns starts with this; nothing else is touched. */
export const CHAIN_PREFIX = 'KUBELITE-PODNET-';

export interface PodNetworkRulesConfig {
  nodeName: string;
  clusterCIDR: string;
  /** bit of the packet mark kubelite-proxy sets on traffic it wants masqueraded (hairpin); such packets are not exempted */
  masqueradeBit: number;
}

export interface ChainNames {
  /** nat: pod→pod masquerade exemption (cross-node routes) */
  nat: string;
  /** filter: forwarding of cluster-CIDR traffic (cross-node routes) */
  filter: string;
  /** nat: masquerade for pods on the kubelet's own bridge */
  masq: string;
  /** nat: hostPort DNAT for pods on the kubelet's own bridge */
  hostPorts: string;
  /** filter: forwarding into and out of the kubelet's own bridge */
  bridge: string;
}

/** `KUBELITE-PODNET-<kind><10 hex>`: 27 characters, under iptables' 28. */
export function chainNames(nodeName: string): ChainNames {
  const h = createHash('sha256').update(nodeName).digest('hex').slice(0, 10).toUpperCase();
  return {
    nat: `${CHAIN_PREFIX}N${h}`, filter: `${CHAIN_PREFIX}F${h}`,
    masq: `${CHAIN_PREFIX}M${h}`, hostPorts: `${CHAIN_PREFIX}H${h}`, bridge: `${CHAIN_PREFIX}B${h}`,
  };
}

export function isOwnedChain(name: string | undefined): boolean {
  return !!name && name.startsWith(CHAIN_PREFIX);
}

const comment = (text: string): string => `-m comment --comment "${text.replace(/"/g, '')}"`;

/** Arguments of the rule jumping from a built-in hook into `chain` (after `-I <hook> 1`). */
export function jumpArgs(nodeName: string, chain: string): string[] {
  return ['-m', 'comment', '--comment', `kubelite pod network ${nodeName}`, '-j', chain];
}

/** The same rule as `iptables -S` prints it, for finding it in a listing. */
export function printedRule(args: readonly string[]): string {
  return args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '')}"` : a)).join(' ');
}

/**
 * `iptables-restore --noflush` input that (re)writes both owned chains. Declaring
 * a chain flushes it, so the result is the same however often it runs. ACCEPT in
 * the nat chain ends nat POSTROUTING for the packet, i.e. it skips Docker's
 * MASQUERADE (a RETURN would only go back to POSTROUTING and reach it).
 */
export function renderChains(cfg: PodNetworkRulesConfig): string {
  const c = chainNames(cfg.nodeName);
  const cc = cfg.clusterCIDR;
  const mark = `0x${(1 << cfg.masqueradeBit >>> 0).toString(16)}`;
  return [
    '*nat',
    `:${c.nat} - [0:0]`,
    `-A ${c.nat} -s ${cc} -d ${cc} -m mark ! --mark ${mark}/${mark} ${comment('pod to pod keeps its source IP')} -j ACCEPT`,
    'COMMIT',
    '*filter',
    `:${c.filter} - [0:0]`,
    `-A ${c.filter} -s ${cc} ${comment('forward traffic from pods')} -j ACCEPT`,
    `-A ${c.filter} -d ${cc} ${comment('forward traffic to pods')} -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}

/** `iptables-restore --noflush` input that deletes the owned chains (their jumps must be gone first). */
export function renderChainRemoval(existing: { nat: string[]; filter: string[] }): string {
  const lines: string[] = [];
  for (const table of ['nat', 'filter'] as const) {
    const chains = existing[table].filter(isOwnedChain);
    if (!chains.length) continue;
    lines.push(`*${table}`, ...chains.map((ch) => `:${ch} - [0:0]`), ...chains.map((ch) => `-X ${ch}`), 'COMMIT');
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * Where our jump stands in a hook chain, from `iptables -S <chain>` lines. It has to
 * come before every rule that is not another kubelite pod-network jump (those are
 * equivalent, so several kubelets on one machine don't keep reordering each other).
 */
export function jumpPlacement(chainRules: readonly string[], hook: string, spec: string): { present: number; wellPlaced: boolean } {
  const rules = chainRules.filter((l) => l.startsWith(`-A ${hook} `)).map((l) => l.slice(`-A ${hook} `.length));
  let present = 0;
  let firstOther = -1;
  let firstOurs = -1;
  rules.forEach((r, i) => {
    if (r === spec) {
      present++;
      if (firstOurs < 0) firstOurs = i;
    } else if (!isOwnedChain(/-j (\S+)$/.exec(r)?.[1]) && firstOther < 0) {
      firstOther = i;
    }
  });
  return { present, wellPlaced: present === 1 && (firstOther < 0 || firstOurs < firstOther) };
}

/** Splits a rule as `iptables -S` prints it back into arguments (double quotes group words). */
export function splitRuleArgs(spec: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(spec); m; m = re.exec(spec)) out.push(m[1] ?? m[2]!);
  return out;
}

/** Jumps into `chain` found in `iptables -S` output of a table, as [hook, spec] pairs (for cleanup). */
export function jumpsInto(tableRules: readonly string[], chain: string): Array<{ hook: string; spec: string }> {
  const out: Array<{ hook: string; spec: string }> = [];
  for (const l of tableRules) {
    const m = /^-A (\S+) (.*)$/.exec(l);
    if (m && m[2]!.endsWith(`-j ${chain}`)) out.push({ hook: m[1]!, spec: m[2]! });
  }
  return out;
}

/** Owned chains declared in `iptables -S` output (`-N NAME` lines). */
export function ownedChainsIn(tableRules: readonly string[], names: ChainNames): string[] {
  const wanted = new Set(Object.values(names));
  return tableRules.filter((l) => l.startsWith('-N ')).map((l) => l.slice(3).trim()).filter((n) => wanted.has(n));
}
