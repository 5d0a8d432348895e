// batch/v1 defaulting, and the selector/label generation a Job gets on create.
import type { Job } from '../types/batch.js';
import { defaultPodTemplate } from './pod.js';
import type { Obj } from './util.js';
import { ensureObj, isObj, objs, setDefault, setDefaultString } from './util.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

export function defaultJob(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  // Both unset: a single pod. Only parallelism set: a work queue (completions stays unset).
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex == null ? 6 : 2147483647);
  const template = ensureObj(spec, 'template');
  const templateLabels = isObj(template.metadata) ? template.metadata.labels : undefined;
  const meta = ensureObj(obj, 'metadata');
  if (isObj(templateLabels) && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...templateLabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  if (isObj(spec.podFailurePolicy)) {
    for (const rule of objs(spec.podFailurePolicy.rules)) {
      for (const pattern of objs(rule.onPodConditions)) setDefaultString(pattern, 'status', 'True');
    }
  }
  setDefault(spec, 'podReplacementPolicy', isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  setDefault(spec, 'manualSelector', false);
  defaultPodTemplate(template, { skipRestartPolicy: true });
}

/** Only the CronJob itself and its pod template are defaulted; the embedded JobSpec is not. */
export function defaultCronJob(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultString(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobSpec = ensureObj(ensureObj(spec, 'jobTemplate'), 'spec');
  defaultPodTemplate(ensureObj(jobSpec, 'template'), { skipRestartPolicy: true });
}

/**
 * The Job strategy's PrepareForCreate: unless `manualSelector` is true, select
 * pods by the Job's uid and stamp the matching labels (and the job name) on the
 * template. Labels the user already set are left alone, so a conflict shows up
 * in validation. A Job without labels of its own takes the template's.
 */
export function prepareJobOnCreate(job: Job, uid: string): void {
  const spec = job.spec;
  if (spec.manualSelector === true) return;
  const name = job.metadata.name ?? '';
  const template = spec.template ?? (spec.template = { spec: { containers: [] } });
  const meta = template.metadata ?? (template.metadata = {});
  const labels = meta.labels ?? (meta.labels = {});
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const selector = spec.selector ?? (spec.selector = {});
  const matchLabels = selector.matchLabels ?? (selector.matchLabels = {});
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
  if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) job.metadata.labels = { ...labels };
}
