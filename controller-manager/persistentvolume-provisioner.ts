// The built-in local-path provisioner (`kubelite.io/local-path`): makes sure
// the default StorageClass `local-path` exists, and creates a hostPath
// PersistentVolume on the scheduler's chosen node for every claim the binder
// hands it. Deleting the data of a released volume happens on its node (the
// kubelet's local-path reclaimer), not here.
import { isAlreadyExists } from '../api/errors.js';
import { LOCAL_PATH_STORAGE_CLASS } from '../api/local-path.js';
import { objectKey, splitObjectKey } from '../api/meta.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { sleep } from '../client/rate-limit.js';
import { Controller, type ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';
import { nodesInfo, pvcsInfo, pvsInfo, storageClassesInfo } from './persistentvolume-binder.js';
import { ANN_SELECTED_NODE } from './persistentvolume-decide.js';
import { decideProvision, defaultStorageClass } from './persistentvolume-local-path.js';
import { claimClass } from './persistentvolume-match.js';

/** A claim that cannot be provisioned yet (node not known, no root dir) is looked at again after this. */
const RETRY_MS = 5_000;

export class LocalPathProvisioner extends Controller {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly classes: Informer<StorageClass>;
  private readonly nodes: Informer<Node>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly told = new Map<string, string>();

  constructor(ctx: ControllerContext, _opts: Partial<ControllerManagerOptions> = {}) {
    super('local-path-provisioner', ctx);
    this.claims = ctx.informers.get<PersistentVolumeClaim>(pvcsInfo);
    this.classes = ctx.informers.get<StorageClass>(storageClassesInfo);
    this.nodes = ctx.informers.get<Node>(nodesInfo);
    this.volumes = ctx.informers.get<PersistentVolume>(pvsInfo);
    this.claims.on('add', (c) => this.enqueue(c));
    this.claims.on('update', (_old, c) => this.enqueue(c));
    this.claims.on('delete', (c) => {
      this.told.delete(c.metadata.uid ?? '');
    });
  }

  override async run(workers: number, signal: AbortSignal): Promise<void> {
    await this.ensureDefaultClass(signal);
    return super.run(workers, signal);
  }

  /** Creates the default class unless a class of that name exists (whatever an administrator made of it). */
  private async ensureDefaultClass(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      if (this.classes.store.getByName(undefined, LOCAL_PATH_STORAGE_CLASS)) return;
      try {
        await this.ctx.client.create<StorageClass>(storageClassesInfo, undefined, defaultStorageClass());
        this.log.info({ storageClass: LOCAL_PATH_STORAGE_CLASS }, 'created the default StorageClass');
        return;
      } catch (e) {
        if (isAlreadyExists(e)) return;
        this.log.warn({ err: (e as Error).message, attempt }, 'cannot create the default StorageClass; retrying');
        await sleep(Math.min(30_000, 500 * 2 ** attempt), signal).catch(() => undefined);
      }
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const pvc = this.claims.store.getByName(namespace, name);
    if (!pvc) return;
    const className = claimClass(pvc);
    const sc = className ? this.classes.store.getByName(undefined, className) : undefined;
    const nodeName = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    const node = nodeName ? this.nodes.store.getByName(undefined, nodeName) : undefined;
    const decision = decideProvision(pvc, sc, node);
    if (decision.action === 'skip') return;
    if (decision.action === 'fail') {
      this.tell(pvc, 'Warning', decision.reason, decision.message);
      this.queue.addAfter(key, RETRY_MS);
      return;
    }
    const volume = decision.volume;
    // Created by an earlier sync: the binder takes it from there.
    if (this.volumes.store.getByName(undefined, volume.metadata.name ?? '')) return;
    this.tell(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${objectKey(pvc)}"`);
    try {
      await this.ctx.client.create<PersistentVolume>(pvsInfo, undefined, volume);
    } catch (e) {
      if (isAlreadyExists(e)) return;
      this.tell(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${(e as Error).message}`);
      throw e;
    }
    this.log.info({ claim: key, volume: volume.metadata.name, node: nodeName, path: volume.spec.hostPath?.path }, 'provisioned volume');
    this.tell(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volume.metadata.name}`);
  }

  private tell(pvc: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const uid = pvc.metadata.uid ?? '';
    const said = `${reason}\u0000${message}`;
    if (this.told.get(uid) === said) return;
    this.told.set(uid, said);
    this.ctx.recorder.event({ ...pvc, apiVersion: 'v1', kind: 'PersistentVolumeClaim' }, type, reason, message);
  }
}
