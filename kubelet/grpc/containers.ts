// Picking the Docker container that backs a pod's container: the current instance
// (running, else the newest) or the previous one (the newest exited before it).
import {
  LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, LABEL_RESTART_COUNT,
} from '../labels.js';

export interface ContainerSummary {
  id: string;
  labels: Record<string, string>;
  /** Docker's State: running, exited, created, ... */
  state: string;
  /** unix seconds */
  created: number;
}

export interface PodRef {
  nodeName: string;
  namespace: string;
  pod: string;
  /** "" matches any uid (a caller that does not know it) */
  podUid?: string;
}

/** The `filters` argument of Docker's container list for one pod (and optionally one container). */
export function podFilters(ref: PodRef, container?: string): { label: string[] } {
  const label = [`${LABEL_NODE}=${ref.nodeName}`, `${LABEL_POD_NAMESPACE}=${ref.namespace}`, `${LABEL_POD_NAME}=${ref.pod}`];
  if (ref.podUid) label.push(`${LABEL_POD_UID}=${ref.podUid}`);
  if (container !== undefined) label.push(`${LABEL_CONTAINER_NAME}=${container}`);
  return { label };
}

function restartCount(c: ContainerSummary): number {
  const n = Number(c.labels[LABEL_RESTART_COUNT]);
  return Number.isFinite(n) ? n : 0;
}

/** Newest first: by restart count (the kubelet's attempt number), then creation time. */
export function newestFirst(list: readonly ContainerSummary[]): ContainerSummary[] {
  return [...list].sort((a, b) => restartCount(b) - restartCount(a) || b.created - a.created || (a.id < b.id ? 1 : -1));
}

export function pickContainer(list: readonly ContainerSummary[], previous: boolean): ContainerSummary | undefined {
  const sorted = newestFirst(list);
  const running = sorted.findIndex((c) => c.state === 'running');
  const currentIdx = running >= 0 ? running : sorted.length ? 0 : -1;
  if (!previous) return currentIdx >= 0 ? sorted[currentIdx] : undefined;
  if (currentIdx < 0) return undefined;
  return sorted.slice(currentIdx + 1).find((c) => c.state !== 'running');
}
