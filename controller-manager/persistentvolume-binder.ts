// The PersistentVolume binder (Kubernetes' persistentvolume-binder controller):
// binds each claim to a fitting volume (claimRef on the volume, volumeName and
// the bind annotations on the claim, both phases Bound), hands claims no volume
// fits to their class's provisioner, marks volumes whose claim is gone Released
// and applies their reclaim policy, and marks claims whose volume is gone Lost.
// Decisions are pure (persistentvolume-decide.ts, persistentvolume-match.ts).
import { isNotFound } from '../api/errors.js';
import { splitObjectKey } from '../api/meta.js';
import type { NodeIdentity } from '../api/node-selector.js';
import { findResource } from '../api/resources.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';
import { OwnWrites } from './pod-control.js';
import {
  ANN_SELECTED_NODE, bindClaimToVolume, bindVolumeToClaim, claimWithProvisioner, claimWithStatus, decideClaim, decideVolume,
  unbindVolume, volumeWithPhase, type EventSpec,
} from './persistentvolume-decide.js';
import { claimClass } from './persistentvolume-match.js';
import { nowTime } from '../api/time.js';

export const pvsInfo = findResource('', 'v1', 'persistentvolumes')!;
export const pvcsInfo = findResource('', 'v1', 'persistentvolumeclaims')!;
export const storageClassesInfo = findResource('storage.k8s.io', 'v1', 'storageclasses')!;
export const nodesInfo = findResource('', 'v1', 'nodes')!;

/** Everything is looked at again this often, like Kubernetes' 15 s resync, for what no event announces. */
const RESYNC_MS = 30_000;

const PV = 'pv:';
const PVC = 'pvc:';

export class PersistentVolumeBinder extends Controller {
  private readonly volumes: Informer<PersistentVolume>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly classes: Informer<StorageClass>;
  private readonly nodes: Informer<Node>;
  private readonly volumeWrites = new OwnWrites();
  private readonly claimWrites = new OwnWrites();
  /** the last event reason told per claim uid, so a waiting claim is not announced on every resync */
  private readonly told = new Map<string, string>();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('persistentvolume-binder', ctx);
    this.volumes = ctx.informers.get<PersistentVolume>(pvsInfo);
    this.claims = ctx.informers.get<PersistentVolumeClaim>(pvcsInfo);
    this.classes = ctx.informers.get<StorageClass>(storageClassesInfo);
    this.nodes = ctx.informers.get<Node>(nodesInfo);
    this.volumes.on('add', (pv) => this.queue.add(PV + pv.metadata.name));
    this.volumes.on('update', (_old, pv) => this.queue.add(PV + pv.metadata.name));
    this.volumes.on('delete', (pv) => {
      this.volumeWrites.forget(PV + pv.metadata.name);
      const ref = pv.spec.claimRef;
      if (ref?.name) this.queue.add(`${PVC}${ref.namespace ?? ''}/${ref.name}`);
    });
    this.claims.on('add', (c) => this.queue.add(claimKey(c)));
    this.claims.on('update', (_old, c) => this.queue.add(claimKey(c)));
    this.claims.on('delete', (c) => {
      this.claimWrites.forget(claimKey(c));
      this.told.delete(c.metadata.uid ?? '');
      if (c.spec.volumeName) this.queue.add(PV + c.spec.volumeName);
      // A volume reserved for the claim but not yet named by it must hear too.
      for (const pv of this.volumes.store.list()) {
        if (pv.spec.claimRef?.uid && pv.spec.claimRef.uid === c.metadata.uid) this.queue.add(PV + pv.metadata.name);
      }
    });
    // A class that shows up late lets its waiting claims go on.
    this.classes.on('add', () => {
      for (const c of this.claims.store.list()) if (!c.spec.volumeName) this.queue.add(claimKey(c));
    });
  }

  override run(workers: number, signal: AbortSignal): Promise<void> {
    const timer = setInterval(() => {
      for (const pv of this.volumes.store.list()) this.queue.add(PV + pv.metadata.name);
      for (const c of this.claims.store.list()) this.queue.add(claimKey(c));
    }, RESYNC_MS);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    return super.run(workers, signal);
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith(PV)) return this.syncVolume(key, key.slice(PV.length));
    if (key.startsWith(PVC)) return this.syncClaim(key, key.slice(PVC.length));
  }

  // ---------------------------------------------------------------- claims

  private async syncClaim(key: string, nsName: string): Promise<void> {
    const { namespace, name } = splitObjectKey(nsName);
    const pvc = this.claims.store.getByName(namespace, name);
    if (!pvc) return;
    if (this.claimWrites.cacheBehind(key, pvc.metadata.resourceVersion)) {
      this.queue.addAfter(key, 500);
      return;
    }
    const log = this.log.child({ claim: nsName });
    const className = claimClass(pvc);
    const decision = decideClaim(pvc, {
      volumes: this.volumes.store.list(),
      volume: pvc.spec.volumeName ? this.volumes.store.getByName(undefined, pvc.spec.volumeName) : undefined,
      storageClass: className ? this.classes.store.getByName(undefined, className) : undefined,
      selectedNode: this.selectedNode(pvc),
    });
    switch (decision.action) {
      case 'bind':
        if (decision.volume.spec.claimRef?.uid !== pvc.metadata.uid || pvc.status?.phase !== 'Bound' || decision.volume.status?.phase !== 'Bound') {
          log.info({ volume: decision.volume.metadata.name }, 'binding claim to volume');
        }
        await this.bind(decision.volume, pvc);
        this.told.delete(pvc.metadata.uid ?? '');
        return;
      case 'pending':
        await this.writeClaimStatus(key, pvc, claimWithStatus(pvc, 'Pending'));
        if (decision.event) this.tell(pvc, decision.event);
        return;
      case 'provision': {
        const annotated = claimWithProvisioner(pvc, decision.provisioner);
        let cur = pvc;
        if (annotated) {
          cur = await this.ctx.client.update<PersistentVolumeClaim>(pvcsInfo, namespace, annotated);
          this.claimWrites.written(key, cur.metadata.resourceVersion);
          log.info({ provisioner: decision.provisioner }, 'waiting for the provisioner to create a volume');
        }
        await this.writeClaimStatus(key, cur, claimWithStatus(cur, 'Pending'));
        this.tell(pvc, {
          type: 'Normal', reason: 'ExternalProvisioning',
          message: `Waiting for a volume to be created either by the external provisioner '${decision.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        });
        return;
      }
      case 'lost': {
        const lost = claimWithStatus(pvc, 'Lost');
        if (lost) {
          log.warn({ reason: decision.event.reason }, decision.event.message);
          this.tell(pvc, decision.event);
        }
        await this.writeClaimStatus(key, pvc, lost);
        return;
      }
      case 'none':
        log.debug({ why: decision.why }, 'claim left as it is');
    }
  }

  private selectedNode(pvc: PersistentVolumeClaim): NodeIdentity | undefined {
    const name = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    if (!name) return undefined;
    const node = this.nodes.store.getByName(undefined, name);
    // A node the cache does not know yet still has its name; its labels come with it later.
    return { name, labels: node?.metadata.labels ?? {} };
  }

  /** Volume first, then claim, each object then its status; any step that is done already is skipped, so a retry resumes. */
  private async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    let pv = volume;
    const reserved = bindVolumeToClaim(pv, claim);
    if (reserved) pv = await this.writeVolume(reserved, false);
    const bound = volumeWithPhase(pv, 'Bound', nowTime());
    if (bound) pv = await this.writeVolume(bound, true);
    let pvc = claim;
    const named = bindClaimToVolume(pvc, pv);
    if (named) {
      pvc = await this.ctx.client.update<PersistentVolumeClaim>(pvcsInfo, pvc.metadata.namespace, named);
      this.claimWrites.written(claimKey(pvc), pvc.metadata.resourceVersion);
    }
    await this.writeClaimStatus(claimKey(pvc), pvc, claimWithStatus(pvc, 'Bound', pv));
  }

  private async writeClaimStatus(key: string, pvc: PersistentVolumeClaim, next: PersistentVolumeClaim | undefined): Promise<void> {
    if (!next) return;
    const written = await this.ctx.client.updateStatus<PersistentVolumeClaim>(pvcsInfo, pvc.metadata.namespace, next);
    this.claimWrites.written(key, written.metadata.resourceVersion);
  }

  private tell(pvc: PersistentVolumeClaim, e: EventSpec): void {
    const uid = pvc.metadata.uid ?? '';
    const said = `${e.reason}\u0000${e.message}`;
    if (this.told.get(uid) === said) return;
    this.told.set(uid, said);
    this.ctx.recorder.event({ ...pvc, apiVersion: 'v1', kind: 'PersistentVolumeClaim' }, e.type, e.reason, e.message);
  }

  // ---------------------------------------------------------------- volumes

  private async syncVolume(key: string, name: string): Promise<void> {
    const pv = this.volumes.store.getByName(undefined, name);
    if (!pv) return;
    if (this.volumeWrites.cacheBehind(key, pv.metadata.resourceVersion)) {
      this.queue.addAfter(key, 500);
      return;
    }
    const claim = await this.claimOf(pv);
    let cur = pv;
    for (const step of decideVolume(pv, claim)) {
      switch (step.action) {
        case 'phase': {
          const next = volumeWithPhase(cur, step.phase, nowTime(), step.reason, step.message);
          if (!next) break;
          cur = await this.writeVolume(next, true);
          this.log.info({ volume: name, phase: step.phase, message: step.message }, 'volume phase changed');
          if (step.event) this.ctx.recorder.event({ ...cur, apiVersion: 'v1', kind: 'PersistentVolume' }, step.event.type, step.event.reason, step.event.message);
          break;
        }
        case 'enqueueClaim':
          this.queue.add(`${PVC}${step.namespace}/${step.name}`);
          break;
        case 'unbind':
          this.log.info({ volume: name }, 'unbinding volume from a claim bound elsewhere');
          cur = await this.writeVolume(unbindVolume(cur), false);
          break;
        case 'none':
          this.log.debug({ volume: name, why: step.why }, 'volume left as it is');
      }
    }
  }

  /**
   * The claim the volume's claimRef names. A claim missing from the cache (a
   * volume created by a provisioner can arrive before its claim does) or with
   * another uid is looked up on the server before the volume is declared Released.
   */
  private async claimOf(pv: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
    const ref = pv.spec.claimRef;
    if (!ref?.uid || !ref.name) return undefined;
    let claim = this.claims.store.getByName(ref.namespace, ref.name);
    const settled = pv.status?.phase === 'Released' || pv.status?.phase === 'Failed';
    if ((!claim && !settled) || (claim && claim.metadata.uid !== ref.uid)) {
      try {
        claim = await this.ctx.client.get<PersistentVolumeClaim>(pvcsInfo, ref.namespace, ref.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        claim = undefined;
      }
    }
    return claim && claim.metadata.uid === ref.uid ? claim : undefined;
  }

  private async writeVolume(pv: PersistentVolume, status: boolean): Promise<PersistentVolume> {
    const written = status
      ? await this.ctx.client.updateStatus<PersistentVolume>(pvsInfo, undefined, pv)
      : await this.ctx.client.update<PersistentVolume>(pvsInfo, undefined, pv);
    this.volumeWrites.written(PV + pv.metadata.name, written.metadata.resourceVersion);
    return written;
  }
}

function claimKey(c: PersistentVolumeClaim): string {
  return `${PVC}${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;
}
