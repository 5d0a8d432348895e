// CronJob schedules as Kubernetes reads them (robfig/cron's ParseStandard):
// five fields, `@hourly`-style descriptors, `@every <duration>`, an optional
// `TZ=`/`CRON_TZ=` prefix, evaluated in spec.timeZone (else the controller's
// local zone). Croner computes the run times; the missed-run arithmetic of
// Kubernetes' cronjob utils.go (mostRecentScheduleTime, nextScheduleTime) is here.
import { Cron } from 'croner';

export interface Schedule {
  /** The first activation strictly after `after`; undefined when there is none. */
  next(after: Date): Date | undefined;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration for the unsigned forms cron accepts ("1h30m", "90s", "1.5h"); ms. */
export function parseGoDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * GO_DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== s.length) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  return total;
}

/** `@every d`: d rounded down to whole seconds (at least one), from the previous run's second. */
class ConstantDelay implements Schedule {
  constructor(private readonly delayMs: number) {}

  next(after: Date): Date {
    const t = after.getTime();
    return new Date(t - (((t % 1000) + 1000) % 1000) + this.delayMs);
  }
}

class CronSchedule implements Schedule {
  constructor(private readonly cron: Cron) {}

  next(after: Date): Date | undefined {
    return this.cron.nextRun(after) ?? undefined;
  }
}

/** Throws when the zone is unknown to this runtime's tz database. */
export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone ${tz}`);
  }
}

/**
 * Parses a CronJob schedule. A TZ= prefix in the schedule wins over `timeZone`
 * (Kubernetes keeps it for old objects); without either, local time.
 */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  let spec = schedule.trim();
  let tz = timeZone;
  const prefix = /^(?:CRON_)?TZ=(\S+)\s+/.exec(spec);
  if (prefix) {
    tz = prefix[1];
    spec = spec.slice(prefix[0].length).trim();
  }
  if (tz !== undefined) checkTimeZone(tz);
  if (spec.startsWith('@every ')) {
    const d = parseGoDuration(spec.slice('@every '.length).trim());
    return new ConstantDelay(Math.max(1000, Math.floor(d / 1000) * 1000));
  }
  const pattern = spec.startsWith('@') ? DESCRIPTORS[spec.toLowerCase()] : spec;
  if (!pattern) throw new Error(`unrecognized descriptor: ${spec}`);
  // cron's `?` is `*`; croner would read it as "now".
  const fields = pattern.split(/\s+/).map((f) => f.replace(/\?/g, '*'));
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  // robfig/cron (like Vixie cron) ORs day-of-month and day-of-week unless either starts with `*`.
  const domAndDow = fields[2].startsWith('*') || fields[4].startsWith('*');
  const cron = new Cron(fields.join(' '), { timezone: tz, mode: '5-part', sloppyRanges: true, domAndDow });
  return new CronSchedule(cron);
}

export interface ScheduleState {
  /** metadata.creationTimestamp, ms */
  createdAt: number;
  /** status.lastScheduleTime, ms */
  lastScheduleTime?: number;
  startingDeadlineSeconds?: number;
}

export type Missed = 'none' | 'few' | 'many';

export interface MostRecent {
  /** lastScheduleTime, or creation, or (with the deadline) the earliest time still worth starting */
  earliest: number;
  /** the latest activation in (earliest, now], if any */
  mostRecent?: number;
  missed: Missed;
  /** a schedule whose activations are less than a second apart (e.g. Feb 31st) */
  error?: string;
}

/** How many activations past `many` count as too many (Kubernetes: 100). */
export const TOO_MANY_MISSED = 100;

/**
 * The most recent activation a Job should have been started for (Kubernetes'
 * mostRecentScheduleTime): only the latest missed time matters, so after a long
 * outage the count of missed runs is estimated from the interval rather than
 * by walking every activation.
 */
export function mostRecentScheduleTime(st: ScheduleState, now: number, schedule: Schedule, includeDeadline: boolean): MostRecent {
  let earliest = st.lastScheduleTime ?? st.createdAt;
  if (includeDeadline && st.startingDeadlineSeconds !== undefined) {
    const deadline = now - st.startingDeadlineSeconds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(new Date(earliest))?.getTime();
  if (t1 === undefined || now < t1) return { earliest, missed: 'none' };
  const t2 = schedule.next(new Date(t1))?.getTime();
  if (t2 === undefined || now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  const elapsed = Math.floor((now - t1) / 1000);
  const count = Math.floor(elapsed / between) + 1;
  // Start one interval before the estimate, so irregular schedules land right too.
  let mostRecent: number | undefined;
  const from = t1 + (count - 2) * between * 1000;
  for (let t = schedule.next(new Date(from))?.getTime(); t !== undefined && t <= now; t = schedule.next(new Date(t))?.getTime()) mostRecent = t;
  const missed: Missed = count > TOO_MANY_MISSED ? 'many' : 'few';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** The activation to start a Job for now, if any (nextScheduleTime): within startingDeadlineSeconds, not after now. */
export function nextScheduleTime(st: ScheduleState, now: number, schedule: Schedule): { time?: number; tooManyMissed: boolean; error?: string } {
  const r = mostRecentScheduleTime(st, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { tooManyMissed: false, error: r.error };
  return { time: r.mostRecent, tooManyMissed: r.missed === 'many', error: r.error };
}

/** Padding after an activation before syncing, against small clock skews (nextScheduleDelta). */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** How long until the sync for the next activation (nextScheduleTimeDuration); undefined when none will come. */
export function nextScheduleDelayMs(st: ScheduleState, now: number, schedule: Schedule): number | undefined {
  const r = mostRecentScheduleTime(st, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent !== undefined) from = r.mostRecent;
  else from = r.missed === 'none' ? r.earliest : now;
  const next = schedule.next(new Date(from));
  return next === undefined ? undefined : next.getTime() + NEXT_SCHEDULE_DELTA_MS - now;
}

/** `<cronjob>-<minutes since the epoch>`: one name per activation, so a retried create cannot start it twice. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

/** RFC 3339 in the zone (`Z` for UTC), like Go's time.In(loc).Format(time.RFC3339). */
export function formatInZone(ms: number, timeZone: string | undefined): string {
  const zone = timeZone ?? 'UTC';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  const offset = get('timeZoneName').replace(/^GMT/, '');
  const zero = offset === '' || /^[+-]00:00$/.test(offset);
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${zero ? 'Z' : offset}`;
}
