// Applies nft plans: the first and periodic syncs converge the whole table, the
// others send only the delta; one `nft -f` transaction each. Any failure forgets
// what was applied, so the next sync converges from whatever the kernel holds.
import type { Logger } from 'pino';
import type { Backend, SyncStats } from '../backend.js';
import { runCommand } from '../exec.js';
import type { ProxyModel } from '../model.js';
import {
  buildNftPlan, isServiceObjectName, renderNftCleanup, renderNftFull, renderNftIncremental, SET_NODEPORT_ADDRS,
  type ExistingObjects, type NftConfig, type NftPlan,
} from './render.js';

export type NftRunner = (input: string) => Promise<void>;

export const runNft: NftRunner = async (input) => {
  await runCommand('nft', ['-f', '-'], { input });
};

interface NftJsonEntry {
  chain?: { family: string; table: string; name: string };
  set?: { family: string; table: string; name: string };
}

/** Chains and sets of our table that the kernel holds now (empty when the table is missing). */
export async function listExisting(table: string): Promise<ExistingObjects> {
  const parse = (out: string): NftJsonEntry[] => {
    try {
      return (JSON.parse(out) as { nftables?: NftJsonEntry[] }).nftables ?? [];
    } catch {
      return [];
    }
  };
  const chains = await runCommand('nft', ['-j', 'list', 'chains', 'ip'], { allowFailure: true });
  const sets = await runCommand('nft', ['-t', '-j', 'list', 'sets', 'ip'], { allowFailure: true });
  return {
    chains: parse(chains.stdout).flatMap((e) => (e.chain && e.chain.table === table ? [e.chain.name] : [])),
    sets: parse(sets.stdout).flatMap((e) => (e.set && e.set.table === table && (isServiceObjectName(e.set.name) || e.set.name === SET_NODEPORT_ADDRS) ? [e.set.name] : [])),
  };
}

export class NftablesBackend implements Backend {
  readonly mode = 'nftables' as const;
  private applied?: NftPlan;

  constructor(private readonly cfg: NftConfig, private readonly log: Logger, private readonly run: NftRunner = runNft) {}

  async sync(model: ProxyModel, full: boolean): Promise<SyncStats> {
    const plan = buildNftPlan(model, this.cfg, this.applied);
    const counts = countPlan(plan);
    if (!full && this.applied) {
      const text = renderNftIncremental(this.applied, plan, this.cfg);
      if (!text) return { kind: 'noop', bytes: 0, ...counts };
      try {
        await this.run(text);
        this.applied = plan;
        return { kind: 'incremental', bytes: text.length, ...counts };
      } catch (e) {
        this.applied = undefined;
        this.log.warn({ err: (e as Error).message }, 'incremental nft update failed; converging the whole table');
      }
    }
    this.applied = undefined;
    let text = renderNftFull(plan, this.cfg, await listExisting(this.cfg.table));
    try {
      await this.run(text);
    } catch (e) {
      // A table this converge cannot fix (e.g. left by another version with other
      // set types) is replaced whole, atomically; only remembered affinities are lost.
      this.log.warn({ err: (e as Error).message }, 'converging the table failed; replacing it');
      text = renderNftCleanup(this.cfg) + renderNftFull(plan, this.cfg);
      await this.run(text);
    }
    this.applied = plan;
    return { kind: 'full', bytes: text.length, ...counts };
  }

  async cleanup(): Promise<void> {
    this.applied = undefined;
    await this.run(renderNftCleanup(this.cfg));
  }
}

function countPlan(plan: NftPlan): { rules: number; chains: number } {
  let rules = 0;
  let chains = 0;
  for (const u of plan.units.values()) {
    chains += u.chains.length;
    for (const [, r] of u.chains) rules += r.length;
  }
  return { rules, chains };
}
