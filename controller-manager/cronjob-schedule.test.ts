import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatInZone, jobNameFor, mostRecentScheduleTime, nextScheduleDelayMs, nextScheduleTime, parseGoDuration, parseSchedule,
} from './cronjob-schedule.js';

const t = (s: string) => Date.parse(s);
const iso = (d: Date | number | undefined) => (d === undefined ? undefined : new Date(d).toISOString());
const nexts = (schedule: string, from: string, n: number, tz = 'UTC'): string[] => {
  const s = parseSchedule(schedule, tz);
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    at = s.next(at)!;
    out.push(at.toISOString());
  }
  return out;
};

test('standard fields and descriptors', () => {
  assert.deepEqual(nexts('*/1 * * * *', '2024-01-01T00:00:30Z', 2), ['2024-01-01T00:01:00.000Z', '2024-01-01T00:02:00.000Z']);
  assert.deepEqual(nexts('*/15 1-3 * * *', '2024-01-01T00:00:00Z', 2), ['2024-01-01T01:00:00.000Z', '2024-01-01T01:15:00.000Z']);
  assert.deepEqual(nexts('@hourly', '2024-01-01T00:00:30Z', 1), ['2024-01-01T01:00:00.000Z']);
  assert.deepEqual(nexts('@daily', '2024-01-01T00:00:30Z', 1), ['2024-01-02T00:00:00.000Z']);
  assert.deepEqual(nexts('@midnight', '2024-01-01T00:00:30Z', 1), ['2024-01-02T00:00:00.000Z']);
  assert.deepEqual(nexts('@weekly', '2024-01-01T00:00:30Z', 1), ['2024-01-07T00:00:00.000Z']);
  assert.deepEqual(nexts('@monthly', '2024-01-01T00:00:30Z', 1), ['2024-02-01T00:00:00.000Z']);
  assert.deepEqual(nexts('@yearly', '2024-01-01T00:00:30Z', 1), ['2025-01-01T00:00:00.000Z']);
  assert.deepEqual(nexts('@annually', '2024-01-01T00:00:30Z', 1), ['2025-01-01T00:00:00.000Z']);
  assert.deepEqual(nexts('0 0 1 jan *', '2024-01-01T00:00:30Z', 1), ['2025-01-01T00:00:00.000Z']);
  assert.deepEqual(nexts('0 0 * * MON', '2024-01-01T00:00:30Z', 1), ['2024-01-08T00:00:00.000Z']);
  // `N/step` means N-max/step, and `?` is `*`
  assert.deepEqual(nexts('5/20 * * * ?', '2024-01-01T00:00:30Z', 3), ['2024-01-01T00:05:00.000Z', '2024-01-01T00:25:00.000Z', '2024-01-01T00:45:00.000Z']);
});

test('next is strictly after the given time', () => {
  assert.deepEqual(nexts('*/1 * * * *', '2024-01-01T00:01:00Z', 1), ['2024-01-01T00:02:00.000Z']);
  assert.deepEqual(nexts('*/1 * * * *', '2024-01-01T00:00:59.999Z', 1), ['2024-01-01T00:01:00.000Z']);
});

test('day-of-month and day-of-week: OR when both are restricted, AND when either starts with *', () => {
  // 2024-01-01 is a Monday.
  assert.deepEqual(nexts('0 0 13 * 5', '2024-01-01T00:00:30Z', 3).map((s) => s.slice(0, 10)), ['2024-01-05', '2024-01-12', '2024-01-13']);
  assert.deepEqual(nexts('0 0 */2 * 1', '2024-01-01T00:00:30Z', 2).map((s) => s.slice(0, 10)), ['2024-01-15', '2024-01-29']);
  assert.deepEqual(nexts('0 0 1 * *', '2024-01-01T00:00:30Z', 1).map((s) => s.slice(0, 10)), ['2024-02-01']);
});

test('time zones: spec.timeZone, and a TZ= prefix winning over it', () => {
  assert.deepEqual(nexts('0 9 * * *', '2024-01-01T00:00:00Z', 1, 'Europe/Stockholm'), ['2024-01-01T08:00:00.000Z']);
  assert.deepEqual(nexts('0 9 * * *', '2024-07-01T00:00:00Z', 1, 'Europe/Stockholm'), ['2024-07-01T07:00:00.000Z']);
  assert.deepEqual(nexts('0 9 * * *', '2024-01-01T00:00:00Z', 1, 'America/New_York'), ['2024-01-01T14:00:00.000Z']);
  assert.equal(iso(parseSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *', 'UTC').next(new Date('2024-01-01T00:00:00Z'))), '2024-01-02T00:00:00.000Z');
  assert.throws(() => parseSchedule('0 9 * * *', 'Mars/Olympus'), /unknown time zone/);
});

test('@every: a constant delay in whole seconds', () => {
  const s = parseSchedule('@every 1m30s');
  assert.equal(iso(s.next(new Date('2024-01-01T00:00:10.500Z'))), '2024-01-01T00:01:40.000Z');
  assert.equal(iso(parseSchedule('@every 200ms').next(new Date('2024-01-01T00:00:10Z'))), '2024-01-01T00:00:11.000Z');
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.throws(() => parseGoDuration('10'), /invalid duration/);
});

test('unparseable schedules throw', () => {
  assert.throws(() => parseSchedule('* * * *'), /expected exactly 5 fields/);
  assert.throws(() => parseSchedule('@fortnightly'), /unrecognized descriptor/);
  assert.throws(() => parseSchedule('61 * * * *'));
});

test('most recent unmet time: none yet, one, and only the latest of many', () => {
  const every = parseSchedule('*/1 * * * *', 'UTC');
  const created = t('2024-01-01T00:00:30Z');
  assert.deepEqual(mostRecentScheduleTime({ createdAt: created }, t('2024-01-01T00:00:50Z'), every, true), { earliest: created, missed: 'none' });
  assert.equal(iso(mostRecentScheduleTime({ createdAt: created }, t('2024-01-01T00:01:05Z'), every, true).mostRecent), '2024-01-01T00:01:00.000Z');
  const r = mostRecentScheduleTime({ createdAt: created, lastScheduleTime: t('2024-01-01T00:01:00Z') }, t('2024-01-01T00:10:20Z'), every, true);
  assert.equal(iso(r.mostRecent), '2024-01-01T00:10:00.000Z');
  assert.equal(r.missed, 'few');
});

test('a controller down for hours: only the latest activation runs, with TooManyMissedTimes past 100', () => {
  const every = parseSchedule('*/1 * * * *', 'UTC');
  const st = { createdAt: t('2024-01-01T00:00:00Z'), lastScheduleTime: t('2024-01-01T00:00:00Z') };
  const now = t('2024-01-01T05:00:30Z');
  const r = nextScheduleTime(st, now, every);
  assert.equal(iso(r.time), '2024-01-01T05:00:00.000Z');
  assert.equal(r.tooManyMissed, true);
  const few = nextScheduleTime(st, t('2024-01-01T01:00:30Z'), every);
  assert.equal(iso(few.time), '2024-01-01T01:00:00.000Z');
  assert.equal(few.tooManyMissed, false, '60 missed is not too many');
  // an irregular schedule still lands on its real latest activation
  const irregular = parseSchedule('30 6-16/4 * * 1-5', 'UTC');
  const ir = nextScheduleTime({ createdAt: t('2024-01-01T00:00:00Z') }, t('2024-01-10T12:00:00Z'), irregular);
  assert.equal(iso(ir.time), '2024-01-10T10:30:00.000Z');
});

test('startingDeadlineSeconds: activations older than the deadline are not started', () => {
  const every = parseSchedule('*/1 * * * *', 'UTC');
  const st = { createdAt: t('2024-01-01T00:00:00Z'), lastScheduleTime: t('2024-01-01T00:00:00Z'), startingDeadlineSeconds: 20 };
  assert.equal(nextScheduleTime(st, t('2024-01-01T00:05:30Z'), every).time, undefined, '00:05 is 30 s old');
  assert.equal(iso(nextScheduleTime(st, t('2024-01-01T00:05:10Z'), every).time), '2024-01-01T00:05:00.000Z');
  // a long deadline also avoids the TooManyMissedTimes estimate
  const hours = { ...st, startingDeadlineSeconds: 200 };
  assert.equal(nextScheduleTime(hours, t('2024-01-01T05:00:30Z'), every).tooManyMissed, false);
});

test('impossible dates: no activation, so nothing ever runs', () => {
  const feb30 = parseSchedule('0 0 30 2 *', 'UTC');
  assert.equal(nextScheduleTime({ createdAt: t('2024-01-01T00:00:00Z') }, t('2024-06-01T00:00:00Z'), feb30).time, undefined);
  assert.equal(nextScheduleDelayMs({ createdAt: t('2024-01-01T00:00:00Z') }, t('2024-06-01T00:00:00Z'), feb30), undefined);
});

test('requeue: at the next activation plus 100 ms, never a poll', () => {
  const every = parseSchedule('*/1 * * * *', 'UTC');
  const st = { createdAt: t('2024-01-01T00:00:30Z'), lastScheduleTime: t('2024-01-01T00:01:00Z') };
  assert.equal(nextScheduleDelayMs(st, t('2024-01-01T00:01:00.200Z'), every), 59_900);
  const daily = parseSchedule('@daily', 'UTC');
  assert.equal(nextScheduleDelayMs({ createdAt: t('2024-01-01T12:00:00Z') }, t('2024-01-01T12:00:00Z'), daily), 12 * 3_600_000 + 100);
});

test('job names: minutes since the epoch; scheduled timestamps in the zone', () => {
  assert.equal(jobNameFor('hello', t('2024-01-01T00:01:00Z')), `hello-${t('2024-01-01T00:01:00Z') / 60_000}`);
  assert.equal(jobNameFor('hello', t('2024-01-01T00:01:00Z')), 'hello-28401121');
  assert.equal(formatInZone(t('2024-01-01T08:00:00Z'), undefined), '2024-01-01T08:00:00Z');
  assert.equal(formatInZone(t('2024-01-01T08:00:00Z'), 'Europe/Stockholm'), '2024-01-01T09:00:00+01:00');
  assert.equal(formatInZone(t('2024-07-01T08:00:00Z'), 'America/New_York'), '2024-07-01T04:00:00-04:00');
  assert.equal(formatInZone(t('2024-01-01T00:00:00Z'), 'Etc/UTC'), '2024-01-01T00:00:00Z');
});
