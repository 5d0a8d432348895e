// Pod rows: a port of printPod in Kubernetes' pkg/printers/internalversion.

import type { KubeObject } from '../../api/meta.js';
import { at, has, list, num, optBool, str } from './accessors.js';
import { AGE, NAME, col, wide } from './columns.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import type { Printer, TableCell, TableRowCondition } from './types.js';

/** Set by the node lifecycle controller on pods of a lost node; printed as Unknown while deleting. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** A sidecar: an init container that keeps running (restartPolicy Always). */
function isRestartableInit(container: unknown): boolean {
  return str(container, 'restartPolicy') === 'Always';
}

function hasTrueCondition(pod: KubeObject, type: string): boolean {
  return list(pod.status, 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

function terminatedReason(terminated: unknown, prefix: string): string {
  const reason = str(terminated, 'reason');
  if (reason !== '') return prefix + reason;
  const signal = num(terminated, 'signal');
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${num(terminated, 'exitCode')}`;
}

/** The later of `current` and this status' lastState.terminated.finishedAt. */
function laterRestart(current: number | undefined, status: unknown): number | undefined {
  const finished = parseTimestamp(at(status, 'lastState', 'terminated', 'finishedAt'));
  if (finished === undefined) return current;
  return current === undefined || current < finished ? finished : current;
}

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

export function summarizePod(pod: KubeObject, now: Date): PodSummary {
  const spec = pod.spec;
  const status = pod.status;
  const initSpecs = list(spec, 'initContainers');
  const phase = str(status, 'phase');

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = list(spec, 'containers').length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  let reason = str(status, 'reason') || phase;
  for (const c of list(status, 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, unknown>();
  for (const c of initSpecs) {
    initByName.set(str(c, 'name'), c);
    if (isRestartableInit(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = list(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const restartable = isRestartableInit(initByName.get(str(cs, 'name')));
    restarts += num(cs, 'restartCount');
    lastRestart = laterRestart(lastRestart, cs);
    if (restartable) {
      restartableInitRestarts += num(cs, 'restartCount');
      lastRestartableInitRestart = laterRestart(lastRestartableInitRestart, cs);
    }
    const terminated = at(cs, 'state', 'terminated');
    const waitingReason = str(cs, 'state', 'waiting', 'reason');
    if (has(terminated) && num(terminated, 'exitCode') === 0) continue;
    if (restartable && optBool(cs, 'started') === true) {
      if (optBool(cs, 'ready') === true) readyContainers++;
      continue;
    }
    if (has(terminated)) {
      reason = terminatedReason(terminated, 'Init:');
    } else if (has(cs, 'state', 'waiting') && waitingReason !== '' && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasTrueCondition(pod, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = list(status, 'containerStatuses');
    // Walk backwards so the first container's state wins, as Kubernetes does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs, 'restartCount');
      lastRestart = laterRestart(lastRestart, cs);
      const waitingReason = str(cs, 'state', 'waiting', 'reason');
      const terminated = at(cs, 'state', 'terminated');
      if (has(cs, 'state', 'waiting') && waitingReason !== '') {
        reason = waitingReason;
      } else if (has(terminated)) {
        reason = terminatedReason(terminated, '');
      } else if (optBool(cs, 'ready') === true && has(cs, 'state', 'running')) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasTrueCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = has(pod.metadata, 'deletionTimestamp');
  if (deleting && str(status, 'reason') === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsText };
}

function podIP(pod: KubeObject): string {
  const first = str(list(pod.status, 'podIPs')[0], 'ip') || str(pod.status, 'podIP');
  return first || '<none>';
}

function readinessGates(pod: KubeObject): string {
  const gates = list(pod.spec, 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = list(pod.status, 'conditions');
  let trueCount = 0;
  for (const gate of gates) {
    const match = conditions.find((c) => str(c, 'type') === str(gate, 'conditionType'));
    if (match !== undefined && str(match, 'status') === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

const SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

export const podPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    wide('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    wide('Node', 'NodeName indicates in which node this pod is scheduled.'),
    wide('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wide('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  cells(pod, now): TableCell[] {
    const s = summarizePod(pod, now);
    return [
      pod.metadata.name ?? '',
      s.ready,
      s.reason,
      s.restarts,
      translateTimestampSince(pod.metadata.creationTimestamp, now),
      podIP(pod),
      str(pod.spec, 'nodeName') || '<none>',
      str(pod.status, 'nominatedNodeName') || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(pod) {
    const phase = str(pod.status, 'phase');
    return phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;
  },
};
