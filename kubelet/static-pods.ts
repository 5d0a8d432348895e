// Static pods: manifests in --pod-manifest-path run without the apiserver. Each
// becomes a pod named <name>-<node> whose uid is a hash of the manifest, so a
// changed file is a new pod (the old one is torn down). The apiserver sees them
// as mirror pods, recreated whenever they are deleted.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseAllDocuments } from 'yaml';
import type { Pod } from '../api/types/index.js';
import { applyDefaults } from '../api/defaults.js';
import { findResource } from '../api/resources.js';
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import type { RestClient } from '../client/index.js';
import { canonicalJson } from './hash.js';

const pods = findResource('', 'v1', 'pods')!;

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const SOURCE_ANNOTATION = 'kubernetes.io/config.source';
const RESCAN_MS = 20_000;

export function isMirrorPod(pod: Pod): boolean {
  return !!pod.metadata.annotations?.[MIRROR_ANNOTATION];
}

/** Turns one manifest into the static pod this node runs; throws on anything but a single Pod. */
export function staticPodFromManifest(text: string, file: string, nodeName: string): Pod {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new Error(`${file}: expected exactly one document, found ${docs.length}`);
  if (docs[0].errors.length) throw new Error(`${file}: ${docs[0].errors[0].message}`);
  const raw = docs[0].toJS() as Partial<Pod> | null;
  if (!raw || typeof raw !== 'object' || raw.kind !== 'Pod') throw new Error(`${file}: not a Pod manifest`);
  if (!raw.metadata?.name) throw new Error(`${file}: metadata.name is required`);
  if (!raw.spec?.containers?.length) throw new Error(`${file}: spec.containers is required`);
  const uid = createHash('md5').update(canonicalJson(raw)).update(`host:${nodeName}`).update(`file:${file}`).digest('hex');
  const pod = JSON.parse(JSON.stringify(raw)) as Pod;
  pod.apiVersion = 'v1';
  pod.kind = 'Pod';
  pod.metadata = {
    ...pod.metadata,
    name: `${raw.metadata.name}-${nodeName}`,
    namespace: raw.metadata.namespace || 'default',
    uid,
    annotations: { ...(raw.metadata.annotations ?? {}), [HASH_ANNOTATION]: uid, [SOURCE_ANNOTATION]: 'file' },
  };
  delete pod.metadata.resourceVersion;
  delete pod.status;
  pod.spec.nodeName = nodeName;
  // Static pods tolerate every NoExecute taint: nothing may evict them.
  pod.spec.tolerations = [...(pod.spec.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }];
  applyDefaults(pod);
  delete pod.status;
  return pod;
}

/** Watches the manifest directory; `onChange` gets the uids that appeared or went away. */
export class StaticPodSource {
  readonly pods = new Map<string, Pod>();
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private scanning = false;
  private again = false;
  private readonly badFiles = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly nodeName: string,
    private readonly onChange: (uids: string[]) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.scan();
    try {
      this.watcher = watch(this.dir, () => {
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.scan(), 200);
      });
      this.watcher.on('error', () => undefined);
    } catch (e) {
      this.log.warn({ dir: this.dir, err: (e as Error).message }, 'cannot watch the static pod directory; rescanning periodically');
    }
    this.timer = setInterval(() => void this.scan(), RESCAN_MS);
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.timer);
    clearTimeout(this.debounce);
  }

  async scan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = true;
    try {
      const next = new Map<string, Pod>();
      const names = await readdir(this.dir).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') this.log.warn({ dir: this.dir, err: e.message }, 'cannot read the static pod directory');
        return [] as string[];
      });
      for (const f of names.sort()) {
        if (f.startsWith('.') || !/\.(ya?ml|json)$/.test(f)) continue;
        const file = join(this.dir, f);
        try {
          const pod = staticPodFromManifest(await readFile(file, 'utf8'), file, this.nodeName);
          const clash = [...next.values()].find((p) => p.metadata.name === pod.metadata.name && p.metadata.namespace === pod.metadata.namespace);
          if (clash) throw new Error(`${file}: pod ${pod.metadata.namespace}/${pod.metadata.name} is already defined by another manifest`);
          next.set(pod.metadata.uid!, pod);
          this.badFiles.delete(file);
        } catch (e) {
          const msg = (e as Error).message;
          if (this.badFiles.get(file) !== msg) this.log.warn({ file, err: msg }, 'skipping static pod manifest');
          this.badFiles.set(file, msg);
        }
      }
      const changed: string[] = [];
      for (const uid of this.pods.keys()) if (!next.has(uid)) changed.push(uid);
      for (const uid of next.keys()) if (!this.pods.has(uid)) changed.push(uid);
      this.pods.clear();
      for (const [k, v] of next) this.pods.set(k, v);
      if (changed.length) {
        this.log.info({ pods: [...next.values()].map((p) => p.metadata.name) }, 'static pods changed');
        this.onChange(changed);
      }
    } finally {
      this.scanning = false;
      if (this.again) {
        this.again = false;
        void this.scan();
      }
    }
  }
}

/** Keeps one mirror pod in the API per static pod, and none for static pods that are gone. */
export class MirrorPods {
  private busy = false;

  constructor(
    private readonly client: RestClient,
    private readonly nodeName: string,
    private readonly nodeUid: () => string | undefined,
    private readonly log: Logger,
  ) {}

  async sync(staticPods: Pod[], apiPods: Pod[]): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const byName = new Map(apiPods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
      const wanted = new Set<string>();
      for (const sp of staticPods) {
        const key = `${sp.metadata.namespace}/${sp.metadata.name}`;
        wanted.add(key);
        const mirror = byName.get(key);
        if (mirror && !isMirrorPod(mirror)) {
          this.log.warn({ pod: key }, 'a regular pod has the name of a static pod; not mirroring it');
          continue;
        }
        if (mirror && mirror.metadata.annotations?.[MIRROR_ANNOTATION] === sp.metadata.uid && !mirror.metadata.deletionTimestamp) continue;
        if (mirror) await this.remove(mirror);
        await this.create(sp);
      }
      for (const p of apiPods) {
        const key = `${p.metadata.namespace}/${p.metadata.name}`;
        if (isMirrorPod(p) && p.spec.nodeName === this.nodeName && !wanted.has(key)) await this.remove(p);
      }
    } finally {
      this.busy = false;
    }
  }

  private async create(sp: Pod): Promise<void> {
    const uid = this.nodeUid();
    const mirror: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: sp.metadata.name,
        namespace: sp.metadata.namespace,
        labels: sp.metadata.labels,
        annotations: { ...(sp.metadata.annotations ?? {}), [MIRROR_ANNOTATION]: sp.metadata.uid ?? '' },
        ownerReferences: uid ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid, controller: true }] : undefined,
      },
      spec: sp.spec,
    };
    try {
      await this.client.create(pods, sp.metadata.namespace, mirror, { timeoutMs: 10_000 });
      this.log.info({ pod: `${sp.metadata.namespace}/${sp.metadata.name}` }, 'created mirror pod');
    } catch (e) {
      if (!isAlreadyExists(e)) this.log.warn({ pod: sp.metadata.name, err: (e as Error).message }, 'creating mirror pod failed');
    }
  }

  private async remove(p: Pod): Promise<void> {
    try {
      await this.client.delete(pods, p.metadata.namespace, p.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } }, { timeoutMs: 10_000 });
    } catch (e) {
      if (!isNotFound(e)) this.log.warn({ pod: p.metadata.name, err: (e as Error).message }, 'deleting mirror pod failed');
    }
  }
}
