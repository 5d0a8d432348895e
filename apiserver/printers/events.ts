// core/v1 Event rows: a port of printEvent, wide layout (the server always prints wide).
// core/v1 serialises the reporting controller as `reportingComponent`.

import type { KubeObject } from '../../api/meta.js';
import { at, has, num, optNum, str } from './accessors.js';
import { NAME, col, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

function firstNonEmpty(...values: string[]): string {
  return values.find((v) => v !== '') ?? '';
}

/** Source column: `component, host`, falling back to reportingController/Instance. */
export function eventSource(ev: KubeObject): string {
  const component = firstNonEmpty(str(ev, 'source', 'component'), str(ev, 'reportingComponent'));
  const instance = firstNonEmpty(str(ev, 'source', 'host'), str(ev, 'reportingInstance'));
  return instance === '' ? component : `${component}, ${instance}`;
}

export function eventTarget(ev: KubeObject): string {
  const kind = str(ev, 'involvedObject', 'kind').toLowerCase();
  const name = str(ev, 'involvedObject', 'name');
  return name !== '' ? `${kind}/${name}` : kind;
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'The object that this event is about.'),
    wide('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
    wide('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    col('Message', 'A human-readable description of the status of this operation.'),
    wide('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    wide('Count', 'The number of times this event has occurred.'),
    { ...NAME, priority: 1 },
  ],
  cells(ev, now) {
    const first = has(ev, 'firstTimestamp')
      ? translateTimestampSince(at(ev, 'firstTimestamp'), now)
      : translateTimestampSince(at(ev, 'eventTime'), now);
    let last = has(ev, 'lastTimestamp') ? translateTimestampSince(at(ev, 'lastTimestamp'), now) : first;
    let count = num(ev, 'count');
    if (has(ev, 'series')) {
      last = translateTimestampSince(at(ev, 'series', 'lastObservedTime'), now);
      count = optNum(ev, 'series', 'count') ?? 0;
    } else if (count === 0) {
      // Singleton events from the events.k8s.io API carry no count.
      count = 1;
    }
    return [
      last,
      str(ev, 'type'),
      str(ev, 'reason'),
      eventTarget(ev),
      str(ev, 'involvedObject', 'fieldPath'),
      eventSource(ev),
      str(ev, 'message').trim(),
      first,
      count,
      ev.metadata.name ?? '',
    ];
  },
};
