// batch/v1 rows: ports of printJob and printCronJob.

import type { KubeObject } from '../../api/meta.js';
import { at, has, list, num, optNum, optStr, str } from './accessors.js';
import { AGE, CONTAINERS, IMAGES, NAME, col, selectorColumn } from './columns.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import { formatLabelSelector, layoutContainerCells, printBoolPtr } from './format.js';
import type { Printer } from './types.js';

/** True only when the first condition of this type is True (Go's hasJobCondition). */
function jobCondition(job: KubeObject, type: string): boolean {
  const c = list(job.status, 'conditions').find((x) => str(x, 'type') === type);
  return c !== undefined && str(c, 'status') === 'True';
}

export function jobStatus(job: KubeObject): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (has(job.metadata, 'deletionTimestamp')) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: KubeObject): string {
  const succeeded = num(job.status, 'succeeded');
  const completions = optNum(job.spec, 'completions');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optNum(job.spec, 'parallelism') ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function jobDuration(job: KubeObject, now: Date): string {
  const start = parseTimestamp(at(job.status, 'startTime'));
  if (start === undefined) return '';
  const end = parseTimestamp(at(job.status, 'completionTime')) ?? now.getTime();
  return humanDuration(end - start);
}

export const jobPrinter: Printer = {
  columns: [
    NAME,
    col('Status', 'Status of the job.'),
    col('Completions', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorColumn('A label query over pods that should match the pod count.'),
  ],
  cells(job, now) {
    const [names, images] = layoutContainerCells(at(job.spec, 'template', 'spec', 'containers'));
    return [
      job.metadata.name ?? '',
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      translateTimestampSince(job.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(at(job.spec, 'selector')),
    ];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    NAME,
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.', 'boolean'),
    col('Active', 'A list of pointers to currently running jobs.', 'integer'),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorColumn('A label query over pods that should match the pod count.'),
  ],
  cells(cj, now) {
    const jobSpec = at(cj.spec, 'jobTemplate', 'spec');
    const [names, images] = layoutContainerCells(at(jobSpec, 'template', 'spec', 'containers'));
    const lastSchedule = at(cj.status, 'lastScheduleTime');
    return [
      cj.metadata.name ?? '',
      str(cj.spec, 'schedule'),
      optStr(cj.spec, 'timeZone') ?? '<none>',
      printBoolPtr(at(cj.spec, 'suspend')),
      list(cj.status, 'active').length,
      has(cj.status, 'lastScheduleTime') ? translateTimestampSince(lastSchedule, now) : '<none>',
      translateTimestampSince(cj.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(at(jobSpec, 'selector')),
    ];
  },
};
