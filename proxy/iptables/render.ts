// Pure: desired model → `iptables-restore --noflush` input in kube-proxy's layout
// (KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-*, KUBE-NODEPORTS, KUBE-EXT-*, KUBE-SVL-*,
// KUBE-MARK-MASQ, KUBE-POSTROUTING) with kube-proxy's chain-name hashes. Declaring a
// chain in --noflush input empties it, so rewriting a chain is "declare + rules",
// and everything the proxy does not declare (Docker's chains) stays untouched.
import {
  clusterEndpoints, externalEndpoints, sameServicePort, hasExternal,
  type ModelEndpoint, type ProxyModel, type ServicePortModel,
} from '../model.js';
import { portProtoHash } from '../hash.js';
import { iptablesGuardRules } from '../service-cidr-guard.js';

export interface IptablesConfig {
  /** chain prefix: `KUBE` gives KUBE-SERVICES, KUBE-SVC-…; at most 7 characters */
  prefix: string;
  clusterCIDR?: string;
  serviceCIDR: string;
  serviceBridge: string;
  masqueradeMark: number;
  /** CIDRs NodePorts answer on; all local addresses when unset */
  nodePortAddresses?: string[];
}

export interface IptUnit {
  /** the model it was built from */
  model: ServicePortModel;
  /** nat chains owned by the service port (SVC, SEP, EXT, SVL) → rules */
  natChains: Map<string, string[]>;
  /** its rules in the shared nat SERVICES / NODEPORTS chains */
  services: string[];
  nodePorts: string[];
  /** its REJECT rules in the shared filter chains, while it has no endpoints */
  filterServices: string[];
  filterExternal: string[];
}

export interface IptPlan {
  configKey: string;
  units: Map<string, IptUnit>;
}

/** A jump from a built-in chain into ours; kept as text in iptables-save's canonical form. */
export interface JumpRule {
  table: 'nat' | 'filter';
  chain: string;
  /** rule spec after `-A <chain> ` */
  spec: string;
  /** insert at the top (before Docker's rules) or append */
  position: 'first' | 'last';
}

export function chainNames(prefix: string) {
  return {
    services: `${prefix}-SERVICES`,
    nodePorts: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    externalServices: `${prefix}-EXTERNAL-SERVICES`,
    forward: `${prefix}-FORWARD`,
    guard: `${prefix}-CIDR-GUARD`,
  };
}

/** Names of per-service chains this prefix may have created (for stale-chain removal and cleanup). */
export function isOwnedChain(prefix: string, name: string): boolean {
  const n = chainNames(prefix);
  if (Object.values(n).includes(name)) return true;
  return ['SVC', 'SEP', 'EXT', 'SVL'].some((k) => name.startsWith(`${prefix}-${k}-`) && name.length === prefix.length + k.length + 18);
}

export function validatePrefix(prefix: string): void {
  // iptables chain names are at most 28 characters: PREFIX-SEP-<16 hash chars>.
  if (!/^[A-Z][A-Z0-9]{0,6}$/.test(prefix)) throw new Error(`chain prefix "${prefix}" must be 1-7 upper-case letters or digits`);
}

export function jumpRules(cfg: IptablesConfig): JumpRule[] {
  const n = chainNames(cfg.prefix);
  return [
    { table: 'nat', chain: 'PREROUTING', spec: `-m comment --comment "kubelite service portals" -j ${n.services}`, position: 'first' },
    { table: 'nat', chain: 'OUTPUT', spec: `-m comment --comment "kubelite service portals" -j ${n.services}`, position: 'first' },
    { table: 'nat', chain: 'POSTROUTING', spec: `-m comment --comment "kubelite postrouting rules" -j ${n.postrouting}`, position: 'first' },
    { table: 'filter', chain: 'INPUT', spec: `-m conntrack --ctstate NEW -m comment --comment "kubelite externally-visible service portals" -j ${n.externalServices}`, position: 'first' },
    { table: 'filter', chain: 'FORWARD', spec: `-m conntrack --ctstate NEW -m comment --comment "kubelite service portals" -j ${n.services}`, position: 'first' },
    { table: 'filter', chain: 'FORWARD', spec: `-m comment --comment "kubelite service CIDR guard" -j ${n.guard}`, position: 'first' },
    { table: 'filter', chain: 'FORWARD', spec: `-m comment --comment "kubelite forwarding rules" -j ${n.forward}`, position: 'last' },
    { table: 'filter', chain: 'OUTPUT', spec: `-m conntrack --ctstate NEW -m comment --comment "kubelite service portals" -j ${n.services}`, position: 'first' },
    { table: 'filter', chain: 'OUTPUT', spec: `-m comment --comment "kubelite service CIDR guard" -j ${n.guard}`, position: 'first' },
  ];
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function svcChain(cfg: IptablesConfig, p: ServicePortModel, kind: 'SVC' | 'EXT' | 'SVL'): string {
  return `${cfg.prefix}-${kind}-${p.hash}`;
}

function sepChain(cfg: IptablesConfig, p: ServicePortModel, e: ModelEndpoint): string {
  return `${cfg.prefix}-SEP-${portProtoHash(p.name, p.protocol, `${e.ip}:${e.port}`)}`;
}

function comment(text: string): string {
  return `-m comment --comment "${text}"`;
}

/** Jumps from a SVC/SVL chain to SEP chains: remembered clients first, then an even random split. */
function balanceRules(cfg: IptablesConfig, chain: string, p: ServicePortModel, eps: ModelEndpoint[]): string[] {
  const rules: string[] = [];
  if (p.affinitySeconds !== undefined) {
    for (const e of eps) {
      const sep = sepChain(cfg, p, e);
      rules.push(`-A ${chain} ${comment(`${p.name} -> ${e.ip}:${e.port}`)} -m recent --rcheck --seconds ${p.affinitySeconds} --reap --name ${sep} --mask 255.255.255.255 --rsource -j ${sep}`);
    }
  }
  eps.forEach((e, j) => {
    const left = eps.length - j;
    const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    rules.push(`-A ${chain} ${comment(`${p.name} -> ${e.ip}:${e.port}`)}${stat} -j ${sepChain(cfg, p, e)}`);
  });
  return rules;
}

export function buildIptUnit(p: ServicePortModel, cfg: IptablesConfig): IptUnit {
  const n = chainNames(cfg.prefix);
  const unit: IptUnit = { model: p, natChains: new Map(), services: [], nodePorts: [], filterServices: [], filterExternal: [] };
  const cEps = clusterEndpoints(p);
  const xEps = externalEndpoints(p);
  const svc = svcChain(cfg, p, 'SVC');
  const ext = svcChain(cfg, p, 'EXT');
  const svl = svcChain(cfg, p, 'SVL');
  const proto = `-p ${p.protocol}`;
  const dport = `-m ${p.protocol} --dport`;
  const anyEndpoints = cEps.length > 0 || xEps.length > 0;
  const reject = '-j REJECT --reject-with icmp-port-unreachable';

  if (cEps.length > 0) {
    const rules: string[] = [];
    for (const ip of p.clusterIPs) {
      const src = cfg.clusterCIDR ? `! -s ${cfg.clusterCIDR}` : '-s 127.0.0.0/8';
      rules.push(`-A ${svc} ${src} -d ${ip}/32 ${proto} ${comment(`${p.name} cluster IP`)} ${dport} ${p.port} -j ${n.markMasq}`);
      unit.services.push(`-A ${n.services} -d ${ip}/32 ${proto} ${comment(`${p.name} cluster IP`)} ${dport} ${p.port} -j ${svc}`);
    }
    rules.push(...balanceRules(cfg, svc, p, cEps));
    unit.natChains.set(svc, rules);
  } else {
    for (const ip of p.clusterIPs) {
      unit.filterServices.push(`-A ${n.services} -d ${ip}/32 ${proto} ${comment(`${p.name} has no endpoints`)} ${dport} ${p.port} ${reject}`);
    }
  }

  if (hasExternal(p)) {
    const vips: Array<[string, string]> = [
      ...p.externalIPs.map((ip): [string, string] => [ip, 'external IP']),
      ...p.loadBalancerIPs.map((ip): [string, string] => [ip, 'loadbalancer IP']),
    ];
    if (anyEndpoints) {
      const rules: string[] = [];
      if (!p.externalPolicyLocal) {
        rules.push(`-A ${ext} ${comment(`masquerade traffic for ${p.name} external destinations`)} -j ${n.markMasq}`);
        rules.push(`-A ${ext} -j ${svc}`);
      } else {
        if (cEps.length > 0) {
          if (cfg.clusterCIDR) rules.push(`-A ${ext} -s ${cfg.clusterCIDR} ${comment(`pod traffic for ${p.name} external destinations`)} -j ${svc}`);
          rules.push(`-A ${ext} ${comment(`masquerade LOCAL traffic for ${p.name} external destinations`)} -m addrtype --src-type LOCAL -j ${n.markMasq}`);
          rules.push(`-A ${ext} ${comment(`route LOCAL traffic for ${p.name} external destinations`)} -m addrtype --src-type LOCAL -j ${svc}`);
        }
        if (xEps.length > 0) {
          rules.push(`-A ${ext} -j ${svl}`);
          unit.natChains.set(svl, balanceRules(cfg, svl, p, xEps));
        } else {
          rules.push(`-A ${ext} ${comment(`${p.name} has no local endpoints`)} -j DROP`);
        }
      }
      unit.natChains.set(ext, rules);
      for (const [ip, what] of vips) {
        unit.services.push(`-A ${n.services} -d ${ip}/32 ${proto} ${comment(`${p.name} ${what}`)} ${dport} ${p.port} -j ${ext}`);
      }
      if (p.nodePort !== undefined) {
        unit.nodePorts.push(`-A ${n.nodePorts} ${proto} ${comment(p.name)} ${dport} ${p.nodePort} -j ${ext}`);
      }
    } else {
      for (const [ip] of vips) {
        const r = `-d ${ip}/32 ${proto} ${comment(`${p.name} has no endpoints`)} ${dport} ${p.port} ${reject}`;
        unit.filterServices.push(`-A ${n.services} ${r}`);
        unit.filterExternal.push(`-A ${n.externalServices} ${r}`);
      }
      if (p.nodePort !== undefined) {
        unit.filterExternal.push(`-A ${n.externalServices} ${proto} ${comment(`${p.name} has no endpoints`)} -m addrtype --dst-type LOCAL ${dport} ${p.nodePort} ${reject}`);
      }
    }
  }

  // One SEP chain per endpoint any of the balancing chains uses.
  const seps = new Map<string, ModelEndpoint>();
  for (const e of [...(cEps.length ? cEps : []), ...(hasExternal(p) && p.externalPolicyLocal ? xEps : [])]) seps.set(sepChain(cfg, p, e), e);
  for (const [sep, e] of seps) {
    const recent = p.affinitySeconds !== undefined ? ` -m recent --set --name ${sep} --mask 255.255.255.255 --rsource` : '';
    unit.natChains.set(sep, [
      `-A ${sep} -s ${e.ip}/32 ${comment(p.name)} -j ${n.markMasq}`,
      `-A ${sep} ${proto} ${comment(p.name)}${recent} -m ${p.protocol} -j DNAT --to-destination ${e.ip}:${e.port}`,
    ]);
  }
  return unit;
}

export function buildIptPlan(model: ProxyModel, cfg: IptablesConfig, prev?: IptPlan): IptPlan {
  const key = JSON.stringify(cfg);
  const reuse = prev && prev.configKey === key ? prev.units : undefined;
  const units = new Map<string, IptUnit>();
  for (const p of model.ports) {
    const k = `${p.name}/${p.protocol}`;
    const old = reuse?.get(k);
    units.set(k, old && sameServicePort(old.model, p) ? old : buildIptUnit(p, cfg));
  }
  return { configKey: key, units };
}

/** The shared chains, rebuilt from every unit. */
function sharedChains(plan: IptPlan, cfg: IptablesConfig): { nat: Map<string, string[]>; filter: Map<string, string[]> } {
  const n = chainNames(cfg.prefix);
  const mark = hex(cfg.masqueradeMark);
  const services: string[] = [];
  const nodePorts: string[] = [];
  const fServices: string[] = [];
  const fExternal: string[] = [];
  for (const u of plan.units.values()) {
    services.push(...u.services);
    nodePorts.push(...u.nodePorts);
    fServices.push(...u.filterServices);
    fExternal.push(...u.filterExternal);
  }
  const npComment = comment('kubelite service nodeports; NOTE: this must be the last rule in this chain');
  if (cfg.nodePortAddresses) {
    for (const cidr of cfg.nodePortAddresses) services.push(`-A ${n.services} -d ${cidr} ${npComment} -m addrtype --dst-type LOCAL -j ${n.nodePorts}`);
  } else {
    services.push(`-A ${n.services} ${npComment} -m addrtype --dst-type LOCAL -j ${n.nodePorts}`);
  }
  const nat = new Map<string, string[]>([
    [n.services, services],
    [n.nodePorts, nodePorts],
    [n.markMasq, [`-A ${n.markMasq} -j MARK --set-xmark ${mark}/${mark}`]],
    [n.postrouting, [
      `-A ${n.postrouting} -m mark ! --mark ${mark}/${mark} -j RETURN`,
      // Clear the bit so a packet re-entering (e.g. via a bridge) is not masqueraded twice.
      `-A ${n.postrouting} -j MARK --set-xmark ${mark}/0x0`,
      `-A ${n.postrouting} ${comment('kubelite service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
    ]],
  ]);
  const filter = new Map<string, string[]>([
    [n.services, fServices],
    [n.externalServices, fExternal],
    [n.forward, [
      `-A ${n.forward} ${comment('kubelite forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT`,
      `-A ${n.forward} ${comment('kubelite forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    ]],
    [n.guard, iptablesGuardRules(n.guard, { serviceCIDR: cfg.serviceCIDR, bridge: cfg.serviceBridge })],
  ]);
  return { nat, filter };
}

export interface ExistingIptables {
  /** chains of ours present in each table */
  natChains: string[];
  filterChains: string[];
  /** rules in built-in chains that jump to ours (as `table|chain|spec`), duplicates included */
  jumps: string[];
}

export function jumpKey(j: Pick<JumpRule, 'table' | 'chain' | 'spec'>): string {
  return `${j.table}|${j.chain}|${j.spec}`;
}

function tableSection(name: string, declare: string[], body: string[], remove: string[]): string[] {
  if (declare.length === 0 && body.length === 0 && remove.length === 0) return [];
  return [`*${name}`, ...declare.map((c) => `:${c} - [0:0]`), ...body, ...remove.map((c) => `-X ${c}`), 'COMMIT'];
}

/** Everything, for a first or periodic sync: all our chains rewritten, stale ones deleted, missing jumps added. */
export function renderIptablesFull(plan: IptPlan, cfg: IptablesConfig, existing?: ExistingIptables): string {
  const shared = sharedChains(plan, cfg);
  const natDeclare: string[] = [...shared.nat.keys()];
  const natBody: string[] = [];
  const filterDeclare: string[] = [...shared.filter.keys()];
  const filterBody: string[] = [];
  const present = new Set(existing?.jumps ?? []);
  const jumps = jumpRules(cfg).filter((j) => !present.has(jumpKey(j)));
  // `-I chain 1` in order would reverse them: insert the last one first.
  const firsts = jumps.filter((j) => j.position === 'first').reverse();
  for (const j of firsts) (j.table === 'nat' ? natBody : filterBody).push(`-I ${j.chain} 1 ${j.spec}`);
  for (const j of jumps.filter((x) => x.position === 'last')) (j.table === 'nat' ? natBody : filterBody).push(`-A ${j.chain} ${j.spec}`);
  for (const rules of shared.nat.values()) natBody.push(...rules);
  for (const rules of shared.filter.values()) filterBody.push(...rules);
  const want = new Set(natDeclare);
  for (const u of plan.units.values()) {
    for (const [c, rules] of u.natChains) {
      natDeclare.push(c);
      want.add(c);
      natBody.push(...rules);
    }
  }
  const natStale = (existing?.natChains ?? []).filter((c) => !want.has(c));
  const filterStale = (existing?.filterChains ?? []).filter((c) => !shared.filter.has(c));
  return [
    ...tableSection('nat', [...natDeclare, ...natStale], natBody, natStale),
    ...tableSection('filter', [...filterDeclare, ...filterStale], filterBody, filterStale),
  ].join('\n') + '\n';
}

function sameRules(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/** Only the chains that differ between the two plans; empty when nothing changed. */
export function renderIptablesIncremental(prev: IptPlan, next: IptPlan, cfg: IptablesConfig): string {
  const natDeclare: string[] = [];
  const natBody: string[] = [];
  const natRemove: string[] = [];
  const filterDeclare: string[] = [];
  const filterBody: string[] = [];
  let changed = false;
  // Every key of next, then the keys only prev has.
  const keys = function* (): Generator<string> {
    yield* next.units.keys();
    for (const k of prev.units.keys()) if (!next.units.has(k)) yield k;
  };
  for (const k of keys()) {
    const a = prev.units.get(k);
    const b = next.units.get(k);
    if (a === b || (a && b && sameServicePort(a.model, b.model))) continue;
    changed = true;
    for (const [c, rules] of b?.natChains ?? []) {
      if (sameRules(a?.natChains.get(c), rules)) continue;
      natDeclare.push(c);
      natBody.push(...rules);
    }
    for (const c of a?.natChains.keys() ?? []) if (!b?.natChains.has(c)) natRemove.push(c);
  }
  if (!changed) return '';
  const before = sharedChains(prev, cfg);
  const after = sharedChains(next, cfg);
  // Shared chains first, so a removed chain is no longer referenced when it is deleted.
  const natShared: string[] = [];
  const natSharedBody: string[] = [];
  for (const [c, rules] of after.nat) {
    if (sameRules(before.nat.get(c), rules)) continue;
    natShared.push(c);
    natSharedBody.push(...rules);
  }
  for (const [c, rules] of after.filter) {
    if (sameRules(before.filter.get(c), rules)) continue;
    filterDeclare.push(c);
    filterBody.push(...rules);
  }
  const out = [
    ...tableSection('nat', [...natShared, ...natDeclare, ...natRemove], [...natSharedBody, ...natBody], natRemove),
    ...tableSection('filter', filterDeclare, filterBody, []),
  ];
  return out.length ? out.join('\n') + '\n' : '';
}

/** Removes our jumps and chains, given what iptables-save shows. */
export function renderIptablesCleanup(cfg: Pick<IptablesConfig, 'prefix'>, existing: ExistingIptables): string {
  const natBody: string[] = [];
  const filterBody: string[] = [];
  for (const key of existing.jumps) {
    const [table, chain, spec] = key.split('|');
    (table === 'nat' ? natBody : filterBody).push(`-D ${chain} ${spec}`);
  }
  return [
    ...tableSection('nat', existing.natChains, natBody, existing.natChains),
    ...tableSection('filter', existing.filterChains, filterBody, existing.filterChains),
  ].join('\n') + '\n';
}
