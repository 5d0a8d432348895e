// batch/v1: Job and CronJob (pkg/apis/batch/validation).
import type { FieldError } from '../errors.js';
import type { KubeObject, LabelSelector } from '../meta.js';
import type { CronJob, Job } from '../types/batch.js';
import type { PodTemplateSpec } from '../types/core.js';
import { matches, selectorFromLabelSelector, validateLabelSelector } from '../labels.js';
import {
  asArray, asRecord, child, goLabelSelector, goStringMap, immutableField, invalid, isRecord, key, nonNegative,
  notSupported, required, semanticEqual, str,
} from './field.js';
import { cronScheduleError } from './cron.js';
import { validatePodTemplateSpec } from './pod.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const MAX_PARALLELISM_FOR_INDEXED = 100000;
const MAX_COMPLETIONS_FOR_INDEXED = 100000;
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function validatePodFailurePolicy(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(asRecord(raw).rules).forEach((r, i) => {
    const rule = asRecord(r);
    const p = child(path, 'rules') + `[${i}]`;
    if (!POD_FAILURE_ACTIONS.includes(str(rule.action))) errs.push(notSupported(child(p, 'action'), rule.action ?? '', POD_FAILURE_ACTIONS));
    const hasCodes = isRecord(rule.onExitCodes);
    const hasConditions = rule.onPodConditions !== undefined && rule.onPodConditions !== null;
    if (hasCodes && hasConditions) errs.push(invalid(p, '', 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!hasCodes && !hasConditions) errs.push(invalid(p, '', 'specifying one of OnExitCodes and OnPodConditions is required'));
    if (hasCodes) {
      const codes = asRecord(rule.onExitCodes);
      if (!['In', 'NotIn'].includes(str(codes.operator))) errs.push(notSupported(child(p, 'onExitCodes', 'operator'), codes.operator ?? '', ['In', 'NotIn']));
      if (asArray(codes.values).length === 0) errs.push(required(child(p, 'onExitCodes', 'values'), 'at least one value is required'));
    }
  });
  return errs;
}

/** validateJobSpec: shared by Job and a CronJob's jobTemplate. */
function validateJobSpec(specIn: unknown, path: string): FieldError[] {
  const spec = asRecord(specIn);
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes', 'ttlSecondsAfterFinished']) {
    errs.push(...nonNegative(spec[f], child(path, f)));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (!COMPLETION_MODES.includes(String(mode))) errs.push(notSupported(child(path, 'completionMode'), mode, COMPLETION_MODES));
    if (mode === 'Indexed') {
      if (spec.completions === undefined || spec.completions === null) errs.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
      if (typeof spec.parallelism === 'number' && spec.parallelism > MAX_PARALLELISM_FOR_INDEXED) {
        errs.push(invalid(child(path, 'parallelism'), spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED} when completion mode is Indexed`));
      }
      if (typeof spec.completions === 'number' && spec.completions > MAX_COMPLETIONS_FOR_INDEXED) {
        errs.push(invalid(child(path, 'completions'), spec.completions, `must be less than or equal to ${MAX_COMPLETIONS_FOR_INDEXED} when completion mode is Indexed`));
      }
    }
  }
  if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null && mode !== 'Indexed') {
    errs.push(invalid(child(path, 'backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode'));
  }
  if (isRecord(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec.podFailurePolicy, child(path, 'podFailurePolicy')));
  errs.push(...validatePodTemplateSpec(spec.template as PodTemplateSpec | undefined, child(path, 'template'), { skipRestartPolicy: true }));
  const restartPolicy = asRecord(asRecord(spec.template).spec).restartPolicy;
  const rpPath = child(path, 'template', 'spec', 'restartPolicy');
  if (restartPolicy === 'Always' || restartPolicy === undefined || restartPolicy === '') {
    errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(rpPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (isRecord(spec.podFailurePolicy) && restartPolicy !== 'Never') {
    errs.push(invalid(rpPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function templateLabels(spec: Record<string, unknown>): Record<string, string> {
  return asRecord<string>(asRecord(asRecord(spec.template).metadata).labels);
}

/** ValidateJobSpec: a Job (unlike a jobTemplate) must carry a selector that selects its pods. */
function validateJobSelector(spec: Record<string, unknown>): FieldError[] {
  if (!isRecord(spec.selector)) return [required('spec.selector')];
  const errs = validateLabelSelector(spec.selector as LabelSelector, 'spec.selector');
  try {
    const sel = selectorFromLabelSelector(spec.selector as LabelSelector);
    const labels = templateLabels(spec);
    if (!matches(sel, labels)) errs.push(invalid('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  } catch {
    // already reported by validateLabelSelector
  }
  return errs;
}

function hasLabel(labels: Record<string, string>, k: string, expected: string): FieldError[] {
  const field = key('spec.template.metadata.labels', k);
  if (!(k in labels)) return [required(field, expected)];
  return labels[k] === expected ? [] : [invalid(field, goStringMap(labels), `must be '${expected}'`)];
}

/**
 * validateGeneratedSelector (create only): unless the user chose a manual
 * selector, prepareJobOnCreate must have generated it and the pod labels.
 */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = asRecord(job.spec);
  if (spec.manualSelector === true) return [];
  const errs: FieldError[] = [];
  const meta = asRecord(job.metadata);
  const uid = str(meta.uid);
  const name = str(meta.name);
  if (!isRecord(asRecord(asRecord(spec.template).metadata).labels)) errs.push(required('spec.template.metadata.labels'));
  if (!uid) {
    errs.push(required('metadata.uid'));
    return errs;
  }
  const labels = templateLabels(spec);
  errs.push(...hasLabel(labels, LEGACY_CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(labels, LEGACY_JOB_NAME_LABEL, name));
  errs.push(...hasLabel(labels, CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(labels, JOB_NAME_LABEL, name));
  const sel = spec.selector as LabelSelector | undefined;
  if (isRecord(sel) && !semanticEqual(sel, { matchLabels: { [CONTROLLER_UID_LABEL]: uid } })) {
    errs.push(invalid('spec.selector', goLabelSelector(sel), '`selector` not auto-generated'));
  }
  return errs;
}

export function validateJob(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const job = obj as Job;
  const spec = asRecord(job.spec);
  return [
    ...(old ? [] : validateGeneratedSelector(job)),
    ...validateJobSpec(spec, 'spec'),
    ...validateJobSelector(spec),
  ];
}

const SCHEDULING_FIELDS = ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates'];

/** A suspended Job that never started may still change where its pods will land. */
function comparableTemplate(template: unknown, mutableScheduling: boolean, other: unknown): unknown {
  if (!mutableScheduling) return template;
  const t = structuredClone(asRecord(template));
  const o = asRecord(other);
  t.metadata = { ...asRecord(t.metadata), labels: asRecord(o.metadata).labels, annotations: asRecord(o.metadata).annotations };
  const spec = { ...asRecord(t.spec) };
  for (const f of SCHEDULING_FIELDS) spec[f] = asRecord(o.spec)[f];
  t.spec = spec;
  return t;
}

export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const prev = asRecord(old.spec);
  const errs: FieldError[] = [];
  if (spec.completionMode === 'Indexed' && !semanticEqual(spec.completions, prev.completions)) {
    if (typeof spec.completions === 'number' && spec.completions !== spec.parallelism) {
      errs.push(invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
    }
  } else {
    errs.push(...immutableField(spec.completions ?? null, prev.completions ?? null, 'spec.completions'));
  }
  errs.push(...immutableField(spec.selector, prev.selector, 'spec.selector', goLabelSelector(spec.selector as LabelSelector | undefined)));
  const mutableScheduling = prev.suspend === true && !asRecord(old.status).startTime;
  const template = comparableTemplate(prev.template, mutableScheduling, spec.template);
  errs.push(...immutableField(spec.template, template, 'spec.template'));
  errs.push(...immutableField(spec.completionMode, prev.completionMode, 'spec.completionMode'));
  errs.push(...immutableField(spec.podFailurePolicy, prev.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...immutableField(spec.backoffLimitPerIndex, prev.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  return errs;
}

export function validateJobStatus(obj: KubeObject): FieldError[] {
  const s = asRecord(obj.status);
  return ['active', 'succeeded', 'failed', 'ready', 'terminating'].flatMap((f) => nonNegative(s[f], `status.${f}`));
}

// ---------------------------------------------------------------- CronJob

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
// CronJob names get an 11-character suffix on their Jobs, which must stay DNS-1035 labels.
const MAX_CRONJOB_NAME = 52;

function timeZoneErrors(tz: unknown): string | undefined {
  if (tz === undefined || tz === null) return undefined;
  const zone = String(tz);
  if (zone === '') return 'timeZone must be nil or non-empty string';
  if (zone.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z\.\-_0-9+]{1,14}$/.test(part))) {
    return `unknown time zone ${zone}`;
  }
  if (zone.toLowerCase() === 'local') return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return `unknown time zone ${zone}`;
  }
  return undefined;
}

export function validateCronJob(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const cj = obj as CronJob;
  const spec = asRecord(cj.spec);
  const prev = old ? asRecord(old.spec) : undefined;
  const errs: FieldError[] = [];
  const name = str(asRecord(cj.metadata).name);
  if (!old && name.length > MAX_CRONJOB_NAME) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME} characters`));
  const schedule = str(spec.schedule);
  if (!schedule) {
    errs.push(required('spec.schedule'));
  } else {
    const msg = cronScheduleError(schedule);
    if (msg) errs.push(invalid('spec.schedule', schedule, msg));
    const allowTZ = prev !== undefined && str(prev.schedule).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && spec.timeZone !== undefined) {
      errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!prev || !semanticEqual(prev.timeZone, spec.timeZone)) {
    const tzErr = timeZoneErrors(spec.timeZone);
    if (tzErr) errs.push(invalid('spec.timeZone', spec.timeZone, tzErr));
  }
  const cp = spec.concurrencyPolicy;
  if (!cp) errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(String(cp))) errs.push(notSupported('spec.concurrencyPolicy', cp, CONCURRENCY_POLICIES));
  const jt = asRecord(spec.jobTemplate);
  const jobSpec = asRecord(jt.spec);
  errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec'));
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(invalid('spec.jobTemplate.spec.selector', goLabelSelector(jobSpec.selector as LabelSelector), '`selector` will be auto-generated'));
  }
  if (jobSpec.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}
