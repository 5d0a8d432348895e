// The HorizontalPodAutoscaler controller (Kubernetes' podautoscaler): every sync
// period it reads the target's `scale` subresource, the selected pods and their
// metrics.k8s.io usage, computes the replicas each metric asks for (hpa-replicas.ts),
// stabilizes and rate-limits the result (hpa-normalize.ts), writes the new size
// through `scale`, and reports it in the HPA's status and events.
import { parseSelector, matches, type Selector } from '../api/labels.js';
import { objectKey } from '../api/meta.js';
import { Quantity } from '../api/quantity.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import type {
  HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus, Pod, Scale,
} from '../api/types/index.js';
import type { Informer } from '../client/informer.js';
import { errorFields } from '../client/logger.js';
import { NAMESPACE_INDEX } from '../client/store.js';
import { isConflict } from '../api/errors.js';
import { Controller, type ControllerContext } from './controller.js';
import { podMetricsInfo, type PodMetricsItem } from './hpa-metrics.js';
import { newMemory, normalizeLegacy, normalizeWithBehaviors, storeScaleEvent, type HpaMemory } from './hpa-normalize.js';
import { DEFAULT_CALCULATOR_CONFIG, rawResourceReplicas, resourceReplicas, type CalculatorConfig, type PodMetricsInfo } from './hpa-replicas.js';
import { hpaStatusEqual, resourceMetricName, resourceMetricStatus, setCondition, unknownMetricStatus } from './hpa-status.js';
import { DEFAULT_OPTIONS, type ControllerManagerOptions } from './options.js';
import { semanticEqual } from './pod-template-hash.js';
import { formatTime } from '../api/time.js';

const hpaInfo = findResource('autoscaling', 'v2', 'horizontalpodautoscalers')!;
const podsInfo = findResource('', 'v1', 'pods')!;

/** Used when an HPA has no metrics at all (autoscaling/v1 without a CPU target). */
const DEFAULT_METRICS: MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

/** A metric that could not be evaluated, with the ScalingActive condition it sets. */
class MetricError extends Error {
  constructor(message: string, readonly reason: string, readonly conditionMessage: string) {
    super(message);
  }
}

interface MetricsResult {
  /** -1 when no usable proposal */
  replicas: number;
  metric: string;
  statuses: MetricStatus[];
  error?: string;
}

/** What one reconcile works on. */
interface Round {
  hpa: HorizontalPodAutoscaler;
  key: string;
  conditions: HorizontalPodAutoscalerCondition[];
  now: number;
  /** the namespace's PodMetrics for the target's selector, fetched once per round */
  podMetrics?: Promise<PodMetricsItem[]>;
}

export class HorizontalPodAutoscalerController extends Controller {
  private readonly hpas: Informer<HorizontalPodAutoscaler>;
  private readonly pods: Informer<Pod>;
  private readonly memory = new Map<string, HpaMemory>();
  private readonly syncPeriodMs: number;
  private readonly downscaleWindowMs: number;
  private readonly calc: CalculatorConfig;

  constructor(ctx: ControllerContext, opts: Partial<ControllerManagerOptions> = {}) {
    super('horizontalpodautoscaling', ctx);
    this.syncPeriodMs = opts.hpaSyncPeriodMs ?? DEFAULT_OPTIONS.hpaSyncPeriodMs ?? 15_000;
    this.downscaleWindowMs = opts.hpaDownscaleStabilizationMs ?? DEFAULT_OPTIONS.hpaDownscaleStabilizationMs ?? 300_000;
    this.calc = DEFAULT_CALCULATOR_CONFIG;
    this.hpas = ctx.informers.get<HorizontalPodAutoscaler>(hpaInfo);
    this.pods = ctx.informers.get<Pod>(podsInfo);
    this.hpas.on('add', (hpa) => this.enqueue(hpa));
    // Our own status writes come back as updates: only a changed spec is worth an early look.
    this.hpas.on('update', (old, cur) => {
      if (!semanticEqual(old.spec, cur.spec)) this.enqueue(cur);
    });
    this.hpas.on('delete', (hpa) => {
      this.memory.delete(objectKey(hpa));
    });
  }

  /**
   * Reconciles one HPA and books the next look one sync period out. Failures are
   * reported in the HPA's conditions and events and retried on that period, not
   * with the queue's fast backoff (Kubernetes' HPA queue is fixed-interval too):
   * an unavailable metrics source must not be hammered.
   */
  async sync(key: string): Promise<void> {
    const cached = this.hpas.store.get(key);
    if (!cached) {
      this.memory.delete(key);
      return;
    }
    this.queue.addAfter(key, this.syncPeriodMs);
    const r: Round = { hpa: structuredClone(cached), key, conditions: structuredClone(cached.status?.conditions ?? []), now: Date.now() };
    try {
      await this.reconcile(r);
    } catch (e) {
      this.log.warn({ key, ...errorFields(e) }, 'horizontal pod autoscaler sync failed');
    }
  }

  private async reconcile(r: Round): Promise<void> {
    const { hpa } = r;
    const ns = hpa.metadata.namespace ?? '';
    const ref = hpa.spec.scaleTargetRef;
    const reference = `${ref.kind}/${ns}/${ref.name}`;
    const log = this.log.child({ key: r.key, target: reference });

    let info: ResourceInfo;
    let scale: Scale;
    try {
      info = this.ctx.client.resource(ref.apiVersion ?? '', ref.kind);
      scale = await this.ctx.client.getSubresource<Scale>(info, ns, ref.name, 'scale');
    } catch (e) {
      const msg = (e as Error).message;
      this.ctx.recorder.event(hpa, 'Warning', 'FailedGetScale', msg);
      setCondition(r.conditions, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`, r.now);
      await this.writeStatus(r, { ...this.keptStatus(r), conditions: r.conditions });
      log.warn({ err: msg }, 'failed to query scale subresource');
      return;
    }
    setCondition(r.conditions, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", r.now);
    const current = scale.spec?.replicas ?? 0;
    let mem = this.memory.get(r.key);
    if (!mem) {
      mem = newMemory(current, r.now);
      this.memory.set(r.key, mem);
    }
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;

    let desired = 0;
    let reason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] = [];
    if (current === 0 && min !== 0) {
      rescale = false;
      setCondition(r.conditions, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', r.now);
    } else if (current > max) {
      reason = 'Current number of replicas above Spec.MaxReplicas';
      desired = max;
    } else if (current < min) {
      reason = 'Current number of replicas below Spec.MinReplicas';
      desired = min;
    } else {
      const m = await this.computeReplicasForMetrics(r, scale);
      metricStatuses = m.statuses;
      if (m.replicas === -1) {
        await this.writeStatus(r, { ...this.keptStatus(r), currentReplicas: current, currentMetrics: metricStatuses, conditions: r.conditions });
        this.ctx.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', m.error ?? 'no usable metric');
        log.warn({ err: m.error }, 'failed to compute desired number of replicas based on listed metrics');
        return;
      }
      if (m.error) log.warn({ err: m.error }, 'some metrics are invalid; scaling on the others');
      let metricName = '';
      if (m.replicas > desired) {
        desired = m.replicas;
        metricName = m.metric;
      }
      if (desired > current) reason = `${metricName} above target`;
      if (desired < current) reason = 'All metrics below target';
      const normalized = hpa.spec.behavior
        ? normalizeWithBehaviors(mem, hpa.spec.behavior, current, desired, min, max, this.downscaleWindowMs, r.now)
        : normalizeLegacy(mem, current, desired, min, max, this.downscaleWindowMs, r.now);
      for (const c of normalized.conditions) setCondition(r.conditions, c.type, c.status, c.reason, c.message, r.now);
      log.debug({ proposed: desired, normalized: normalized.replicas, current }, 'desired replicas');
      desired = normalized.replicas;
      rescale = desired !== current;
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (rescale) {
      try {
        await this.ctx.client.putSubresource<Scale>(info, ns, ref.name, 'scale', { ...scale, spec: { ...(scale.spec ?? {}), replicas: desired } });
      } catch (e) {
        const msg = (e as Error).message;
        this.ctx.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${msg}`);
        setCondition(r.conditions, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`, r.now);
        await this.writeStatus(r, { ...this.keptStatus(r), currentReplicas: current, currentMetrics: metricStatuses, conditions: r.conditions });
        log.warn({ err: msg, desired }, 'failed to rescale');
        return;
      }
      setCondition(r.conditions, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, r.now);
      this.ctx.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      storeScaleEvent(mem, hpa.spec.behavior, current, desired, this.downscaleWindowMs, r.now);
      log.info({ from: current, to: desired, reason }, 'successfully rescaled');
      lastScaleTime = formatTime(r.now);
    } else {
      desired = current;
    }
    await this.writeStatus(r, { currentReplicas: current, desiredReplicas: desired, lastScaleTime, currentMetrics: metricStatuses, conditions: r.conditions });
  }

  /** The status fields a failed round leaves as they were. */
  private keptStatus(r: Round): HorizontalPodAutoscalerStatus {
    const s = r.hpa.status;
    return { currentReplicas: s?.currentReplicas, desiredReplicas: s?.desiredReplicas ?? 0, lastScaleTime: s?.lastScaleTime, currentMetrics: s?.currentMetrics };
  }

  /**
   * computeReplicasForMetrics: the largest proposal over all metrics. Broken
   * metrics are skipped, unless all are broken or the rest would scale down
   * (too risky without the full picture): then no proposal at all.
   */
  private async computeReplicasForMetrics(r: Round, scale: Scale): Promise<MetricsResult> {
    const { hpa } = r;
    const selectorText = scale.status?.selector ?? '';
    if (!selectorText) {
      this.ctx.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(r.conditions, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector", r.now);
      return { replicas: -1, metric: '', statuses: [], error: 'selector is required' };
    }
    let selector: Selector;
    try {
      selector = parseSelector(selectorText);
    } catch (e) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
      this.ctx.recorder.event(hpa, 'Warning', 'InvalidSelector', msg);
      setCondition(r.conditions, 'ScalingActive', 'False', 'InvalidSelector', msg, r.now);
      return { replicas: -1, metric: '', statuses: [], error: msg };
    }
    const pods = this.pods.store.byIndex(NAMESPACE_INDEX, hpa.metadata.namespace ?? '').filter((p) => matches(selector, p.metadata.labels));
    const specs = hpa.spec.metrics?.length ? hpa.spec.metrics : DEFAULT_METRICS;
    const statuses = specs.map(() => unknownMetricStatus());
    const specReplicas = scale.spec?.replicas ?? 0;
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let first: MetricError | undefined;
    for (const [i, spec] of specs.entries()) {
      try {
        const p = await this.computeReplicasForMetric(r, spec, specReplicas, selectorText, pods);
        statuses[i] = p.status;
        if (replicas === 0 || p.replicas > replicas) {
          replicas = p.replicas;
          metric = p.name;
        }
      } catch (e) {
        const err = e instanceof MetricError ? e : new MetricError((e as Error).message, 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${(e as Error).message}`);
        first ??= err;
        invalid++;
      }
    }
    const error = first ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.message}` : undefined;
    if (first && (invalid >= specs.length || replicas < specReplicas)) {
      setCondition(r.conditions, 'ScalingActive', 'False', first.reason, first.conditionMessage, r.now);
      return { replicas: -1, metric: '', statuses, error };
    }
    setCondition(r.conditions, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`, r.now);
    return { replicas, metric, statuses, error };
  }

  private async computeReplicasForMetric(
    r: Round, spec: MetricSpec, specReplicas: number, selectorText: string, pods: Pod[],
  ): Promise<{ replicas: number; name: string; status: MetricStatus }> {
    const source = spec.type === 'Resource' ? spec.resource : spec.type === 'ContainerResource' ? spec.containerResource : undefined;
    if (!source) {
      const what = { Pods: 'pods', Object: 'object', External: 'external' }[spec.type as string];
      if (what) {
        const msg = `failed to get ${what} metric value: unable to get metric: no custom metrics API (custom.metrics.k8s.io) registered`;
        const reason = `FailedGet${spec.type}Metric`;
        this.ctx.recorder.event(r.hpa, 'Warning', reason, msg);
        throw new MetricError(msg, reason, `the HPA was unable to compute the replica count: ${msg}`);
      }
      const msg = `unknown metric source type "${spec.type}"`;
      throw new MetricError(msg, 'InvalidMetricSourceType', `the HPA was unable to compute the replica count: ${msg}`);
    }
    const container = spec.type === 'ContainerResource' ? spec.containerResource?.container ?? '' : '';
    const resource = source.name;
    const target = source.target;
    const failReason = container ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
    const fail = (msg: string): never => {
      this.ctx.recorder.event(r.hpa, 'Warning', failReason, msg);
      const outer = container ? `failed to get ${resource} container metric value: ${msg}` : `failed to get ${resource} resource metric value: ${msg}`;
      throw new MetricError(outer, failReason, `the HPA was unable to compute the replica count: ${msg}`);
    };
    const utilization = target.averageValue === undefined;
    if (utilization && target.averageUtilization === undefined) {
      fail('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    }
    let metrics: PodMetricsInfo;
    try {
      metrics = podMetricsInfo(await this.podMetrics(r, selectorText), resource, container);
    } catch (e) {
      return fail(`failed to get ${resource} ${utilization ? 'utilization' : 'usage'}: unable to get metrics for resource ${resource}: ${(e as Error).message}`);
    }
    try {
      if (!utilization) {
        const targetMilli = Quantity.parse(String(target.averageValue)).milliValue();
        const p = rawResourceReplicas(specReplicas, targetMilli, resource, pods, metrics, this.calc, r.now);
        return { replicas: p.replicas, name: resourceMetricName(resource, false), status: resourceMetricStatus(resource, container, { averageValueMilli: p.usage }) };
      }
      const p = resourceReplicas(specReplicas, target.averageUtilization ?? 0, resource, pods, metrics, this.calc, r.now, container);
      return {
        replicas: p.replicas,
        name: resourceMetricName(resource, true, container),
        status: resourceMetricStatus(resource, container, { averageUtilization: p.utilization, averageValueMilli: p.rawAverage }),
      };
    } catch (e) {
      if (e instanceof MetricError) throw e;
      return fail(`failed to get ${resource} ${utilization ? 'utilization' : 'usage'}: ${(e as Error).message}`);
    }
  }

  /** The target's PodMetrics from metrics.k8s.io, once per round for all its metrics. */
  private podMetrics(r: Round, selectorText: string): Promise<PodMetricsItem[]> {
    r.podMetrics ??= (async () => {
      let list: { items?: PodMetricsItem[] };
      try {
        list = await this.ctx.client.request<{ items?: PodMetricsItem[] }>({
          method: 'GET',
          path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(r.hpa.metadata.namespace ?? '')}/pods`,
          query: { labelSelector: selectorText },
        });
      } catch (e) {
        throw new Error(`unable to fetch metrics from resource metrics API: ${(e as Error).message}`);
      }
      if (!list.items?.length) throw new Error('no metrics returned from resource metrics API');
      return list.items;
    })();
    return r.podMetrics;
  }

  /** Writes the status when it changed; on a conflict once more on top of the fresh object. */
  private async writeStatus(r: Round, s: HorizontalPodAutoscalerStatus): Promise<void> {
    const status: HorizontalPodAutoscalerStatus = { desiredReplicas: s.desiredReplicas };
    if (s.currentReplicas) status.currentReplicas = s.currentReplicas;
    if (s.lastScaleTime) status.lastScaleTime = s.lastScaleTime;
    if (s.currentMetrics?.length) status.currentMetrics = s.currentMetrics;
    if (s.conditions?.length) status.conditions = s.conditions;
    if (r.hpa.metadata.generation) status.observedGeneration = r.hpa.metadata.generation;
    if (hpaStatusEqual(r.hpa.status, status)) return;
    const ns = r.hpa.metadata.namespace;
    try {
      await this.ctx.client.updateStatus<HorizontalPodAutoscaler>(hpaInfo, ns, { ...r.hpa, status });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await this.ctx.client.get<HorizontalPodAutoscaler>(hpaInfo, ns, r.hpa.metadata.name ?? '');
      if (fresh.metadata.uid !== r.hpa.metadata.uid) return;
      await this.ctx.client.updateStatus<HorizontalPodAutoscaler>(hpaInfo, ns, { ...fresh, status });
    }
  }
}
