// One shared informer per resource (and selector) for all controllers in a
// process, like client-go's SharedInformerFactory: one list+watch, one cache.
import type { KubeObject } from '../api/meta.js';
import type { ResourceInfo } from '../api/resources.js';
import { Informer, type InformerOptions } from './informer.js';
import type { Logger } from './logger.js';
import type { RestClient } from './rest.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started?: AbortSignal;

  constructor(
    private readonly client: RestClient,
    private readonly defaults: Pick<InformerOptions, 'logger' | 'resyncMs' | 'transform' | 'omitManagedFields'> = {},
  ) {}

  /** The shared informer for a resource; created on first use, started if the factory already runs. */
  get<T extends KubeObject = KubeObject>(info: ResourceInfo, opts: Omit<InformerOptions, 'logger'> = {}): Informer<T> {
    const key = `${info.group}/${info.version}/${info.resource}?${opts.namespace ?? ''}&${opts.labelSelector ?? ''}&${opts.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>(this.client, info, {
        resyncMs: this.defaults.resyncMs, transform: this.defaults.transform, omitManagedFields: this.defaults.omitManagedFields,
        ...opts, logger: this.defaults.logger,
      });
      this.informers.set(key, inf);
      if (this.started) void inf.start(this.started);
    }
    return inf as unknown as Informer<T>;
  }

  start(signal: AbortSignal): void {
    this.started = signal;
    for (const inf of this.informers.values()) void inf.start(signal);
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }
}
