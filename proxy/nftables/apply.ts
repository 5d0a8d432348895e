// Applies nft plans: the first and periodic syncs converge the whole table, the
// others send only the delta; one nft transaction each. Any failure forgets
// what was applied, so the next sync converges from whatever the kernel holds.
import type { Logger } from 'pino';
import type { Backend, SyncStats } from '../backend.js';
import { runCommand } from '../exec.js';
import type { ProxyModel } from '../model.js';
import { NftSession } from './session.js';
import {
  buildNftPlan, changedUnits, commitChanges, diffPlans, isServiceObjectName, renderNftChanges, renderNftCleanup, renderNftFull,
  SET_NODEPORT_ADDRS, type ExistingObjects, type NftConfig, type NftPlan,
} from './render.js';

export type NftRunner = (input: string) => Promise<void>;

export const runNft: NftRunner = async (input) => {
  await runCommand('nft', ['-f', '-'], { input });
};

/** Past this size a transaction goes to `nft -f`: one nft input line is not meant to be megabytes. */
const SESSION_MAX_BYTES = 256 * 1024;

/**
 * Small transactions (incremental syncs) through one long-running `nft -i`, big ones
 * (full syncs) through `nft -f`; `nft -f` also when the session cannot be used.
 */
export function nftRunner(session = new NftSession()): NftRunner {
  return async (input) => {
    if (!session.usable || input.length > SESSION_MAX_BYTES) return runNft(input);
    await session.run(input);
  };
}

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

  constructor(private readonly cfg: NftConfig, private readonly log: Logger, private readonly run: NftRunner = nftRunner()) {}

  async sync(model: ProxyModel, full: boolean): Promise<SyncStats> {
    const applied = this.applied;
    if (!full && applied) {
      // Only the changed service ports are planned; the applied plan is updated in
      // place once the kernel has taken them.
      let changes = changedUnits(applied, model, this.cfg);
      if (!changes) changes = diffPlans(applied, buildNftPlan(model, this.cfg, applied));
      const text = renderNftChanges(applied, changes, this.cfg);
      if (!text) return { kind: 'noop', bytes: 0, rules: applied.rules, chains: applied.chains };
      try {
        await this.run(text);
        commitChanges(applied, changes);
        return { kind: 'incremental', bytes: text.length, rules: applied.rules, chains: applied.chains };
      } catch (e) {
        this.applied = undefined;
        this.log.warn({ err: (e as Error).message }, 'incremental nft update failed; converging the whole table');
      }
    }
    const plan = buildNftPlan(model, this.cfg, applied);
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
    return { kind: 'full', bytes: text.length, rules: plan.rules, chains: plan.chains };
  }

  async cleanup(): Promise<void> {
    this.applied = undefined;
    await this.run(renderNftCleanup(this.cfg));
  }
}
