// Deletes the data of reclaimed local-path volumes on this node: a
// PersistentVolume made by the kubelite.io/local-path provisioner, pinned to
// this node, Released with reclaim policy Delete, loses its directory under
// `<root-dir>/local-path/` and then the PersistentVolume object itself. Only
// that exact directory is ever removed (the path must be the one the
// provisioner would have chosen for that volume name), so a crafted volume
// cannot make the kubelet delete anything else.
import { lstat, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Logger } from 'pino';
import { isNotFound } from '../api/errors.js';
import { LOCAL_PATH_PROVISIONER, LOCAL_PATH_SUBDIR, localPathDir } from '../api/local-path.js';
import { nodeSelectorMatches, type NodeIdentity } from '../api/node-selector.js';
import { findResource } from '../api/resources.js';
import type { PersistentVolume } from '../api/types/index.js';
import { Informer, type RestClient } from '../client/index.js';

const pvsInfo = findResource('', 'v1', 'persistentvolumes')!;
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** Failed removals are tried again on the informer's resync. */
const RESYNC_MS = 30_000;

export type ReclaimDecision =
  | { action: 'skip' }
  /** ours to reclaim, but its path is not where we put volumes: never touched */
  | { action: 'refuse'; why: string }
  | { action: 'remove'; dir: string };

/** What to do about one volume on this node; `rootDir` is absolute. */
export function reclaimDecision(pv: PersistentVolume, node: NodeIdentity, rootDir: string): ReclaimDecision {
  if (pv.metadata.annotations?.[PROVISIONED_BY] !== LOCAL_PATH_PROVISIONER) return { action: 'skip' };
  if (pv.status?.phase !== 'Released' || pv.spec.persistentVolumeReclaimPolicy !== 'Delete') return { action: 'skip' };
  // A volume without node affinity is nobody's in particular: never delete data for it.
  if (!pv.spec.nodeAffinity?.required || !nodeSelectorMatches(pv.spec.nodeAffinity.required, node)) return { action: 'skip' };
  const name = pv.metadata.name ?? '';
  const path = pv.spec.hostPath?.path;
  if (!name || name !== posix.basename(name) || name === '.' || name === '..') return { action: 'refuse', why: `odd volume name "${name}"` };
  const want = localPathDir(rootDir, name);
  if (path !== want) return { action: 'refuse', why: `hostPath "${path}" is not "${want}"` };
  return { action: 'remove', dir: want };
}

/** Removes the volume directory; the local-path folder must be a real directory, and a symlink is unlinked, never followed. */
export async function removeVolumeDir(rootDir: string, dir: string): Promise<void> {
  const base = posix.join(rootDir, LOCAL_PATH_SUBDIR);
  if (posix.dirname(dir) !== base) throw new Error(`refusing to remove ${dir}: not directly under ${base}`);
  const st = await lstat(base).catch(() => undefined);
  if (!st) return; // nothing was ever written for any volume
  if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`refusing to remove ${dir}: ${base} is not a plain directory`);
  await rm(dir, { recursive: true, force: true });
}

export interface ReclaimerOptions {
  client: RestClient;
  node: NodeIdentity;
  /** the kubelet's root dir, absolute */
  rootDir: string;
  log: Logger;
}

export class LocalPathReclaimer {
  private readonly informer: Informer<PersistentVolume>;
  private readonly stopper = new AbortController();
  private readonly busy = new Set<string>();
  private readonly refused = new Set<string>();

  constructor(private readonly o: ReclaimerOptions) {
    this.informer = new Informer<PersistentVolume>(o.client, pvsInfo, { resyncMs: RESYNC_MS, logger: o.log });
    this.informer.on('add', (pv) => this.consider(pv));
    this.informer.on('update', (_old, pv) => this.consider(pv));
  }

  start(): void {
    void this.informer.start(this.stopper.signal);
  }

  stop(): void {
    this.stopper.abort();
  }

  private consider(pv: PersistentVolume): void {
    const d = reclaimDecision(pv, this.o.node, this.o.rootDir);
    const uid = pv.metadata.uid ?? '';
    if (d.action === 'skip') return;
    if (d.action === 'refuse') {
      if (!this.refused.has(uid)) this.o.log.warn({ volume: pv.metadata.name, why: d.why }, 'not deleting the data of a local-path volume');
      this.refused.add(uid);
      return;
    }
    if (this.busy.has(uid)) return;
    this.busy.add(uid);
    void this.reclaim(pv, d.dir).finally(() => this.busy.delete(uid));
  }

  private async reclaim(pv: PersistentVolume, dir: string): Promise<void> {
    const name = pv.metadata.name ?? '';
    try {
      await removeVolumeDir(this.o.rootDir, dir);
      this.o.log.info({ volume: name, dir }, 'deleted local-path volume data');
      await this.o.client.delete(pvsInfo, undefined, name, { preconditions: { uid: pv.metadata.uid } }, { timeoutMs: 10_000 });
      this.o.log.info({ volume: name }, 'deleted released local-path volume');
    } catch (e) {
      if (isNotFound(e)) return;
      this.o.log.warn({ volume: name, err: (e as Error).message }, 'reclaiming local-path volume failed; retrying on resync');
    }
  }
}
