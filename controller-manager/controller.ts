// The client-go controller shape every controller here follows: informer events
// only enqueue keys; `sync(key)` is level-triggered and idempotent; a failing sync
// is retried with per-key exponential backoff.
import type { Logger } from 'pino';
import { objectKey, type KubeObject } from '../api/meta.js';
import { RateLimitingQueue, runWorkers } from '../client/workqueue.js';
import type { RestClient } from '../client/rest.js';
import type { InformerFactory } from '../client/informer-factory.js';
import type { EventRecorder } from '../client/events.js';

export interface ControllerContext {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
}

export abstract class Controller {
  readonly queue = new RateLimitingQueue<string>();
  protected readonly log: Logger;

  constructor(readonly name: string, protected readonly ctx: ControllerContext) {
    this.log = ctx.logger.child({ controller: name });
  }

  /** Brings the object with this key to its desired state; safe to run any number of times. */
  abstract sync(key: string): Promise<void>;

  enqueue(obj: KubeObject): void {
    this.queue.add(objectKey(obj));
  }

  enqueueAfter(obj: KubeObject, ms: number): void {
    this.queue.addAfter(objectKey(obj), ms);
  }

  run(workers: number, signal: AbortSignal): Promise<void> {
    return runWorkers(this.queue, workers, (key) => this.sync(key), { logger: this.log, signal });
  }
}
