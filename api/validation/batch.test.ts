import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from '../defaults.js';
import { validateCreate } from '../validation.js';
import type { Loose } from './testing.js';
import { clone, createErrors, cronJob, infoFor, job, lines, statusErrors, updateErrors } from './testing.js';
import { cronScheduleError } from './cron.js';

function errs(obj: Loose, edit: (o: Loose) => void = () => {}): string[] {
  edit(obj);
  return lines(createErrors(obj));
}

test('job template restartPolicy must be OnFailure or Never', () => {
  assert.deepEqual(errs(job()), []);
  assert.deepEqual(errs(job(), (j) => { delete j.spec.template.spec.restartPolicy; }),
    ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  assert.deepEqual(errs(job(), (j) => { j.spec.template.spec.restartPolicy = 'Always'; }),
    ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  assert.deepEqual(errs(job(), (j) => { j.spec.template.spec.restartPolicy = 'Sometimes'; }),
    ['spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"']);
});

test('job counts are non-negative; Indexed needs completions', () => {
  assert.deepEqual(errs(job(), (j) => { Object.assign(j.spec, { parallelism: 0, completions: 3, backoffLimit: 0, completionMode: 'Indexed' }); }), []);
  assert.deepEqual(errs(job(), (j) => { Object.assign(j.spec, { parallelism: -1, completions: -1, backoffLimit: -1, ttlSecondsAfterFinished: -5 }); }), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.ttlSecondsAfterFinished: Invalid value: -5: must be greater than or equal to 0',
  ]);
  assert.deepEqual(errs(job(), (j) => { j.spec.parallelism = 2; j.spec.completionMode = 'Indexed'; }),
    ['spec.completions: Required value: when completion mode is Indexed']);
  assert.deepEqual(errs(job(), (j) => { j.spec.completionMode = 'Sometimes'; }),
    ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']);
});

test('a generated selector must be the one prepareJobOnCreate makes', () => {
  const j = job();
  applyDefaults(j);
  j.metadata.uid = 'u1';
  j.spec.selector = { matchLabels: { app: 'x' } };
  j.spec.template.metadata = { labels: { app: 'x' } };
  const errors = lines(validateCreate(j, infoFor(j)));
  assert.deepEqual(errors, [
    'spec.template.metadata.labels[controller-uid]: Required value: u1',
    'spec.template.metadata.labels[job-name]: Required value: pi',
    'spec.template.metadata.labels[batch.kubernetes.io/controller-uid]: Required value: u1',
    'spec.template.metadata.labels[batch.kubernetes.io/job-name]: Required value: pi',
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
  ]);
  j.spec.manualSelector = true;
  assert.deepEqual(validateCreate(j, infoFor(j)), []);
  j.spec.template.metadata.labels = { app: 'y' };
  assert.deepEqual(lines(validateCreate(j, infoFor(j))),
    ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`']);
});

test('job update: selector and template immutable unless suspended', () => {
  const old = job();
  createErrors(old);
  const next = clone(old);
  next.spec.parallelism = 5;
  next.spec.activeDeadlineSeconds = 100;
  assert.deepEqual(updateErrors(next, old), []);
  next.spec.template.spec.containers[0].image = 'other';
  next.spec.completions = 4;
  assert.deepEqual(updateErrors(next, old).map((e) => e.field), ['spec.completions', 'spec.template']);
  assert.match(updateErrors(next, old)[1].message, /^Invalid value: \{.*\}: field is immutable$/);
  const suspended = clone(old);
  suspended.spec.suspend = true;
  const moved = clone(suspended);
  moved.spec.template.spec.nodeSelector = { zone: 'b' };
  moved.spec.template.metadata.annotations = { note: 'x' };
  assert.deepEqual(updateErrors(moved, suspended), []);
  moved.spec.template.spec.containers[0].image = 'other';
  assert.deepEqual(updateErrors(moved, suspended).map((e) => e.field), ['spec.template']);
});

test('indexed job: completions change only together with parallelism', () => {
  const old = job();
  Object.assign(old.spec, { completionMode: 'Indexed', completions: 3, parallelism: 3 });
  createErrors(old);
  const next = clone(old);
  next.spec.completions = 5;
  next.spec.parallelism = 5;
  assert.deepEqual(updateErrors(next, old), []);
  next.spec.parallelism = 4;
  assert.deepEqual(lines(updateErrors(next, old)), ['spec.completions: Invalid value: 5: can only be modified in tandem with spec.parallelism']);
});

test('job status counts are non-negative', () => {
  const old = job();
  createErrors(old);
  const next = clone(old);
  next.status = { active: 1, succeeded: 0 };
  assert.deepEqual(statusErrors(next, old), []);
  next.status = { failed: -1 };
  assert.deepEqual(lines(statusErrors(next, old)), ['status.failed: Invalid value: -1: must be greater than or equal to 0']);
});

test('cronjob: schedule required and parsable, policies valid', () => {
  assert.deepEqual(errs(cronJob()), []);
  assert.deepEqual(errs(cronJob(), (c) => { c.spec.schedule = '@hourly'; c.spec.timeZone = 'Europe/Paris'; c.spec.concurrencyPolicy = 'Forbid'; }), []);
  assert.deepEqual(errs(cronJob(), (c) => { c.spec.schedule = ''; }), ['spec.schedule: Required value']);
  assert.deepEqual(errs(cronJob(), (c) => {
    c.spec.schedule = '61 * * * *';
    c.spec.concurrencyPolicy = 'Sometimes';
    c.spec.timeZone = 'Mars/Olympus';
    c.spec.successfulJobsHistoryLimit = -1;
  }), [
    'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(errs(cronJob(), (c) => { c.spec.schedule = 'TZ=UTC 0 * * * *'; }),
    ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
});

test('cronjob: job template rules, no selector, name ≤ 52', () => {
  assert.deepEqual(errs(cronJob(), (c) => {
    c.spec.jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
    c.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
  }), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
  ]);
  assert.deepEqual(errs(cronJob('c'.repeat(53))), [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`]);
});

test('cron schedule syntax matches robfig/cron', () => {
  for (const ok of ['* * * * *', '*/15 0-6 1,15 * MON-FRI', '0 0 1 jan,jul sun', '@daily', '@every 1h30m', '5/10 * ? * *']) {
    assert.equal(cronScheduleError(ok), undefined, ok);
  }
  assert.equal(cronScheduleError('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(cronScheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(cronScheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(cronScheduleError('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
  assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(cronScheduleError('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
  assert.equal(cronScheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
});
