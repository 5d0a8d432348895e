// Which request paths the streams extension owns.
import { trimTrailingSlashes } from '../http/request-path.js';

export type PodStreamSubresource = 'log' | 'exec' | 'attach' | 'portforward';

export type StreamRoute =
  | { kind: 'pod'; namespace: string; name: string; subresource: PodStreamSubresource }
  | { kind: 'metrics'; resource: 'pods' | 'nodes'; namespace?: string; name?: string }
  | { kind: 'node-images'; node: string; action: 'load' | 'status' };

const POD_SUBRESOURCES = new Set<string>(['log', 'exec', 'attach', 'portforward']);
export const METRICS_GROUP_VERSION = 'metrics.k8s.io/v1beta1';

/** Last path segments any stream route ends with (pod subresources, node image actions). */
const ROUTE_TAILS = new Set<string>([...POD_SUBRESOURCES, 'load', 'status']);

/**
 * False only when the path cannot be a stream route: every request passes here first,
 * so ordinary API paths are turned away without splitting and decoding them. A path
 * with escapes could spell anything once decoded, so it always gets the full match.
 */
function mayBeRoute(pathname: string): boolean {
  if (pathname.includes('%') || pathname.includes('metrics.k8s.io')) return true;
  const trimmed = trimTrailingSlashes(pathname);
  return ROUTE_TAILS.has(trimmed.slice(trimmed.lastIndexOf('/') + 1));
}

export function matchRoute(pathname: string): StreamRoute | undefined {
  if (!mayBeRoute(pathname)) return undefined;
  let parts: string[];
  try {
    parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (parts.length === 7 && parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts[4] === 'pods' && POD_SUBRESOURCES.has(parts[6])) {
    return { kind: 'pod', namespace: parts[3], name: parts[5], subresource: parts[6] as PodStreamSubresource };
  }
  if (parts.length === 7 && parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'nodes' && parts[4] === 'proxy' && parts[5] === 'images'
    && (parts[6] === 'load' || parts[6] === 'status')) {
    return { kind: 'node-images', node: parts[3], action: parts[6] };
  }
  if (parts[0] !== 'apis' || parts[1] !== 'metrics.k8s.io' || parts[2] !== 'v1beta1') return undefined;
  const rest = parts.slice(3);
  if (rest[0] === 'nodes' && rest.length <= 2) return { kind: 'metrics', resource: 'nodes', name: rest[1] };
  if (rest[0] === 'pods' && rest.length === 1) return { kind: 'metrics', resource: 'pods' };
  if (rest[0] === 'namespaces' && rest[2] === 'pods' && (rest.length === 3 || rest.length === 4)) {
    return { kind: 'metrics', resource: 'pods', namespace: rest[1], name: rest[3] };
  }
  return undefined;
}
