// Public surface of the client library: what components import from `client/`.
export { loadKubeconfig, buildKubeconfig, mergeKubeconfig } from './kubeconfig.js';
export type { ClientConfig, LoadKubeconfigOptions, BuildKubeconfigOptions } from './kubeconfig.js';
export { RestClient, decodeError } from './rest.js';
export type {
  RestClientOptions,
  CallOptions,
  RequestOptions,
  ListOptions,
  WriteOptions,
  PatchOptions,
  PatchType,
} from './rest.js';
export { resourcePath, groupVersionPath, encodeQuery } from './paths.js';
export type { Query, QueryValue } from './paths.js';
export { watchStream, decodeWatchEvents, WatchLineDecoder, toWatchEvent } from './watch.js';
export type { WatchOptions } from './watch.js';
export { Store, NAMESPACE_INDEX } from './store.js';
export type { IndexFunc } from './store.js';
export { Informer, isExpired, stripManagedFields } from './informer.js';
export type { InformerOptions, InformerHandlers } from './informer.js';
export { RateLimitingQueue, runWorkers } from './workqueue.js';
export type { RateLimitingQueueOptions, RunWorkersOptions } from './workqueue.js';
export { TokenBucket, ItemExponentialRateLimiter, sleep } from './rate-limit.js';
export type { ItemRateLimiter } from './rate-limit.js';
export { LeaderElector, formatMicroTime, parseMicroTime } from './leader-election.js';
export type { LeaderElectorOptions, Lease, LeaseSpec } from './leader-election.js';
export { silentLogger } from './logger.js';
export type { Logger, LogFields } from './logger.js';
export { EventRecorder } from './events.js';
export type { EventSource, EventTarget } from './events.js';
export { InformerFactory } from './informer-factory.js';
