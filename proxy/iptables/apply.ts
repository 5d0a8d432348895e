// Applies iptables plans with `iptables-restore --noflush`: the first and periodic
// syncs rewrite every chain we own (and add missing jumps), later ones only the
// chains that changed. Chains are recognised by prefix and shape, so Docker's (and
// anyone else's) are never declared, flushed or deleted.
import type { Logger } from 'pino';
import type { Backend, SyncStats } from '../backend.js';
import { runCommand } from '../exec.js';
import type { ProxyModel } from '../model.js';
import {
  buildIptPlan, isOwnedChain, jumpKey, renderIptablesCleanup, renderIptablesFull, renderIptablesIncremental,
  type ExistingIptables, type IptablesConfig, type IptPlan,
} from './render.js';

export type RestoreRunner = (input: string) => Promise<void>;

export const runRestore: RestoreRunner = async (input) => {
  await runCommand('iptables-restore', ['--noflush', '-w', '5'], { input });
};

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

/** Our chains and the built-in rules jumping into them, as iptables-save shows them. */
export async function readExisting(prefix: string): Promise<ExistingIptables> {
  const existing: ExistingIptables = { natChains: [], filterChains: [], jumps: [] };
  for (const table of ['nat', 'filter'] as const) {
    const out = (await runCommand('iptables-save', ['-t', table])).stdout;
    for (const line of out.split('\n')) {
      if (line.startsWith(':')) {
        const name = line.slice(1).split(' ')[0];
        if (isOwnedChain(prefix, name)) (table === 'nat' ? existing.natChains : existing.filterChains).push(name);
      } else if (line.startsWith('-A ')) {
        const m = /^-A (\S+) (.*)$/.exec(line);
        if (!m || !BUILTIN.has(m[1])) continue;
        const target = /-j (\S+)$/.exec(m[2])?.[1];
        if (target && isOwnedChain(prefix, target)) existing.jumps.push(jumpKey({ table, chain: m[1], spec: m[2] }));
      }
    }
  }
  return existing;
}

export class IptablesBackend implements Backend {
  readonly mode = 'iptables' as const;
  private applied?: IptPlan;

  constructor(private readonly cfg: IptablesConfig, private readonly log: Logger, private readonly run: RestoreRunner = runRestore) {}

  async sync(model: ProxyModel, full: boolean): Promise<SyncStats> {
    const plan = buildIptPlan(model, this.cfg, this.applied);
    const counts = countPlan(plan);
    if (!full && this.applied) {
      const text = renderIptablesIncremental(this.applied, plan, this.cfg);
      if (!text) return { kind: 'noop', bytes: 0, ...counts };
      try {
        await this.run(text);
        this.applied = plan;
        return { kind: 'incremental', bytes: text.length, ...counts };
      } catch (e) {
        this.applied = undefined;
        this.log.warn({ err: (e as Error).message }, 'incremental iptables-restore failed; rewriting every chain');
      }
    }
    this.applied = undefined;
    const text = renderIptablesFull(plan, this.cfg, await readExisting(this.cfg.prefix));
    await this.run(text);
    this.applied = plan;
    return { kind: 'full', bytes: text.length, ...counts };
  }

  async cleanup(): Promise<void> {
    this.applied = undefined;
    // A jump may have been added twice (by hand, or an old version): delete until none is left.
    for (let i = 0; i < 5; i++) {
      const existing = await readExisting(this.cfg.prefix);
      if (!existing.jumps.length && !existing.natChains.length && !existing.filterChains.length) return;
      await this.run(renderIptablesCleanup(this.cfg, existing));
    }
  }
}

function countPlan(plan: IptPlan): { rules: number; chains: number } {
  let rules = 0;
  let chains = 0;
  for (const u of plan.units.values()) {
    chains += u.natChains.size;
    for (const r of u.natChains.values()) rules += r.length;
    rules += u.services.length + u.nodePorts.length + u.filterServices.length + u.filterExternal.length;
  }
  return { rules, chains };
}
