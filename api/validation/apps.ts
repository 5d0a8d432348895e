// apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision
// (pkg/apis/apps/validation).
import type { FieldError } from '../errors.js';
import type { KubeObject, LabelSelector } from '../meta.js';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../types/apps.js';
import type { PodTemplateSpec } from '../types/core.js';
import { matches, selectorFromLabelSelector, validateLabelSelector } from '../labels.js';
import type { Selector } from '../labels.js';
import {
  asArray, asRecord, child, forbidden, goIntOrString, goLabelSelector, goStringMap, immutableField, invalid, isRecord,
  nonNegative, notSupported, required, semanticEqual, str,
} from './field.js';
import { validatePodTemplateSpec } from './pod.js';

// ---------------------------------------------------------------- shared

/** Selector present, valid and non-empty; returns the parsed selector when usable. */
export function validateWorkloadSelector(sel: unknown, kind: string, path: string, errs: FieldError[]): Selector | undefined {
  if (!isRecord(sel)) {
    errs.push(required(path));
    return undefined;
  }
  const ls = sel as LabelSelector;
  errs.push(...validateLabelSelector(ls, path));
  const count = Object.keys(asRecord(ls.matchLabels)).length + (Array.isArray(ls.matchExpressions) ? ls.matchExpressions.length : 0);
  if (count === 0) errs.push(invalid(path, goLabelSelector(ls), `empty selector is invalid for ${kind}`));
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    errs.push(invalid(path, goLabelSelector(ls), 'invalid label selector'));
    return undefined;
  }
}

/** The template's labels must be selected by the selector, or the controller would orphan its own pods. */
export function validateSelectorMatchesTemplate(selector: Selector | undefined, template: PodTemplateSpec | undefined, path: string): FieldError[] {
  if (!selector || selector.requirements.length === 0) return [];
  const labels = asRecord<string>(asRecord(asRecord(template).metadata).labels);
  return matches(selector, labels) ? [] : [invalid(child(path, 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`')];
}

/** ValidatePodTemplateSpecForReplicaSet: long-running pods only. */
function validateLongRunningTemplate(template: PodTemplateSpec | undefined, selector: Selector | undefined, kind: string, path: string): FieldError[] {
  if (!isRecord(template)) return [required(path)];
  const errs = validateSelectorMatchesTemplate(selector, template, path);
  errs.push(...validatePodTemplateSpec(template, path));
  const spec = asRecord(template.spec);
  if (spec.restartPolicy !== 'Always') errs.push(notSupported(child(path, 'spec', 'restartPolicy'), spec.restartPolicy ?? '', ['Always']));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(invalid(child(path, 'spec', 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

function isPercent(v: string): boolean {
  return /^[0-9]+%$/.test(v);
}

const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent. */
function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return isPercent(v) ? [] : [invalid(path, goIntOrString(v), PERCENT_MSG)];
  if (typeof v === 'number') return nonNegative(v, path);
  return [invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && isPercent(v)) return Number(v.slice(0, -1));
  return -1;
}

function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  return typeof v === 'string' && isPercent(v) && Number(v.slice(0, -1)) > 100
    ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
}

function immutableSelector(obj: KubeObject, old: KubeObject): FieldError[] {
  const sel = asRecord(obj.spec).selector;
  return immutableField(sel, asRecord(old.spec).selector, 'spec.selector', goLabelSelector(sel as LabelSelector | undefined));
}

// ---------------------------------------------------------------- Deployment

function validateDeploymentStrategy(strategy: unknown, path: string): FieldError[] {
  const s = asRecord(strategy);
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate ? [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!isRecord(s.rollingUpdate)) return [required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
      const p = child(path, 'rollingUpdate');
      const { maxUnavailable, maxSurge } = s.rollingUpdate;
      const errs = [...validateIntOrPercent(maxUnavailable, child(p, 'maxUnavailable')), ...validateIntOrPercent(maxSurge, child(p, 'maxSurge'))];
      if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
        errs.push(invalid(child(p, 'maxUnavailable'), goIntOrString(maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...notMoreThan100Percent(maxUnavailable, child(p, 'maxUnavailable')));
      return errs;
    }
    default:
      return [notSupported(child(path, 'type'), s.type ?? '', ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = asRecord((obj as Deployment).spec);
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  const selector = validateWorkloadSelector(spec.selector, 'deployment', 'spec.selector', errs);
  errs.push(...validateLongRunningTemplate(spec.template as PodTemplateSpec, selector, 'ReplicaSet', 'spec.template'));
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = spec.progressDeadlineSeconds;
  if (typeof pds === 'number') {
    errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const validateSelectorUpdate = immutableSelector;

function validateReplicaCounts(status: Record<string, unknown>, fields: string[], path: string): FieldError[] {
  return fields.flatMap((f) => nonNegative(status[f], child(path, f)));
}

function notGreater(status: Record<string, unknown>, a: string, b: string, msg: string): FieldError[] {
  const x = status[a];
  const y = status[b];
  return typeof x === 'number' && x > (typeof y === 'number' ? y : 0) ? [invalid(`status.${a}`, x, msg)] : [];
}

export function validateDeploymentStatus(obj: KubeObject): FieldError[] {
  const s = asRecord(obj.status);
  return [
    ...validateReplicaCounts(s, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas',
      'unavailableReplicas', 'terminatingReplicas', 'collisionCount'], 'status'),
    ...notGreater(s, 'updatedReplicas', 'replicas', 'cannot be greater than status.replicas'),
    ...notGreater(s, 'readyReplicas', 'replicas', 'cannot be greater than status.replicas'),
    ...notGreater(s, 'availableReplicas', 'replicas', 'cannot be greater than status.replicas'),
    ...notGreater(s, 'availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas'),
  ];
}

// ---------------------------------------------------------------- ReplicaSet

export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = asRecord((obj as ReplicaSet).spec);
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  // Kubernetes really does say "deployment" here.
  const selector = validateWorkloadSelector(spec.selector, 'deployment', 'spec.selector', errs);
  errs.push(...validateLongRunningTemplate(spec.template as PodTemplateSpec, selector, 'ReplicaSet', 'spec.template'));
  return errs;
}

export function validateReplicaSetStatus(obj: KubeObject): FieldError[] {
  const s = asRecord(obj.status);
  const msg = 'cannot be greater than the number of replicas';
  return [
    ...validateReplicaCounts(s, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'terminatingReplicas', 'observedGeneration'], 'status'),
    ...notGreater(s, 'fullyLabeledReplicas', 'replicas', msg),
    ...notGreater(s, 'readyReplicas', 'replicas', msg),
    ...notGreater(s, 'availableReplicas', 'replicas', msg),
    ...notGreater(s, 'availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas'),
  ];
}

// ---------------------------------------------------------------- DaemonSet

function validateDaemonSetUpdateStrategy(strategy: unknown, path: string): FieldError[] {
  const s = asRecord(strategy);
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      if (!isRecord(s.rollingUpdate)) return [required(child(path, 'rollingUpdate'))];
      const p = child(path, 'rollingUpdate');
      const { maxUnavailable, maxSurge } = s.rollingUpdate;
      const errs = [
        ...validateIntOrPercent(maxUnavailable, child(p, 'maxUnavailable')),
        ...validateIntOrPercent(maxSurge, child(p, 'maxSurge')),
        ...notMoreThan100Percent(maxUnavailable, child(p, 'maxUnavailable')),
        ...notMoreThan100Percent(maxSurge, child(p, 'maxSurge')),
      ];
      const hasUnavailable = intOrPercentValue(maxUnavailable) > 0;
      const hasSurge = intOrPercentValue(maxSurge) > 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(child(p, 'maxSurge'), goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(required(child(p, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported(child(path, 'type'), s.type ?? '', ['RollingUpdate', 'OnDelete'])];
  }
}

export function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec = asRecord((obj as DaemonSet).spec);
  const errs: FieldError[] = [];
  const selector = validateWorkloadSelector(spec.selector, 'daemonset', 'spec.selector', errs);
  errs.push(...validateLongRunningTemplate(spec.template as PodTemplateSpec, selector, 'DaemonSet', 'spec.template'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateDaemonSetStatus(obj: KubeObject): FieldError[] {
  return validateReplicaCounts(asRecord(obj.status), ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled',
    'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'], 'status');
}

// ---------------------------------------------------------------- StatefulSet

const RETENTION = ['Retain', 'Delete'];

function validateStatefulSetStrategy(strategy: unknown, path: string): FieldError[] {
  const s = asRecord(strategy);
  switch (s.type) {
    case undefined:
    case '':
      return [required(path)];
    case 'OnDelete':
      return s.rollingUpdate ? [invalid(child(path, 'rollingUpdate'), s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      const ru = asRecord(s.rollingUpdate);
      const errs = nonNegative(ru.partition, child(path, 'rollingUpdate', 'partition'));
      if (ru.maxUnavailable !== undefined) {
        errs.push(...validateIntOrPercent(ru.maxUnavailable, child(path, 'rollingUpdate', 'maxUnavailable')));
        if (intOrPercentValue(ru.maxUnavailable) === 0) {
          errs.push(invalid(child(path, 'rollingUpdate', 'maxUnavailable'), goIntOrString(ru.maxUnavailable), 'must be greater than 0'));
        }
      }
      return errs;
    }
    default:
      return [invalid(path, s, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

/**
 * The template as its pods will be: each volumeClaimTemplate becomes a volume of
 * that name, so mounts of a claim validate (Kubernetes skips the pod spec here
 * for that reason; checking the union keeps the other checks).
 */
function withClaimVolumes(template: PodTemplateSpec, claims: unknown): PodTemplateSpec {
  const names = asArray<Record<string, unknown>>(claims).map((c) => str(asRecord(c.metadata).name)).filter(Boolean);
  if (!names.length || !isRecord(template.spec)) return template;
  const volumes = asArray<Record<string, unknown>>(template.spec.volumes).filter((v) => !names.includes(str(v.name)));
  const claimVolumes = names.map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  // Appended, so errors about the template's own volumes keep their indexes.
  return { ...template, spec: { ...template.spec, volumes: [...volumes, ...claimVolumes] } } as PodTemplateSpec;
}

export function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec = asRecord((obj as StatefulSet).spec);
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateStatefulSetStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  if (isRecord(spec.persistentVolumeClaimRetentionPolicy)) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = spec.persistentVolumeClaimRetentionPolicy[f];
      if (!RETENTION.includes(String(v))) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v ?? '', RETENTION));
    }
  }
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(asRecord(spec.ordinals).start, 'spec.ordinals.start'));
  const selector = validateWorkloadSelector(spec.selector, 'statefulset', 'spec.selector', errs);
  const template = spec.template as PodTemplateSpec | undefined;
  if (!isRecord(template)) {
    errs.push(required('spec.template'));
    return errs;
  }
  errs.push(...validateSelectorMatchesTemplate(selector, template, 'spec.template'));
  errs.push(...validatePodTemplateSpec(withClaimVolumes(template, spec.volumeClaimTemplates), 'spec.template'));
  const tspec = asRecord(template.spec);
  if (tspec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', tspec.restartPolicy ?? '', ['Always']));
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

const STS_MUTABLE = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'];

export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = { ...asRecord(obj.spec) };
  const prev = asRecord(old.spec);
  for (const f of STS_MUTABLE) next[f] = prev[f];
  if (semanticEqual(next, prev)) return [];
  return [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
    "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

export function validateStatefulSetStatus(obj: KubeObject): FieldError[] {
  const s = asRecord(obj.status);
  const msg = 'cannot be greater than status.replicas';
  return [
    ...validateReplicaCounts(s, ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'collisionCount'], 'status'),
    ...notGreater(s, 'readyReplicas', 'replicas', msg),
    ...notGreater(s, 'currentReplicas', 'replicas', msg),
    ...notGreater(s, 'updatedReplicas', 'replicas', msg),
    ...notGreater(s, 'availableReplicas', 'replicas', msg),
    ...notGreater(s, 'availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas'),
  ];
}

// ---------------------------------------------------------------- ControllerRevision

export function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(obj.revision, 'revision'));
  return errs;
}

export function validateControllerRevisionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return immutableField(obj.data, old.data, 'data');
}
