// PodLogOptions from the query string of GET .../pods/{name}/log.
import { errors } from '../../api/errors.js';

export interface LogQuery {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** -1: every line */
  tailLines: number;
  sinceSeconds: number;
  sinceTime: string;
  limitBytes: number;
}

export function parseBool(v: string | null): boolean {
  return v === 'true' || v === '1' || v === 'True' || v === 'TRUE';
}

function parseIntParam(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  const n = Number(v);
  if (n < min) throw errors.badRequest(`${name}: Invalid value: ${n}: must be greater than or equal to ${min}`);
  return n;
}

export function parseLogQuery(q: URLSearchParams): LogQuery {
  const sinceSeconds = parseIntParam(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime') ?? '';
  if (sinceSeconds !== undefined && sinceTime) throw errors.badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`sinceTime: Invalid value: "${sinceTime}": must be RFC 3339`);
  return {
    container: q.get('container') || undefined,
    follow: parseBool(q.get('follow')),
    previous: parseBool(q.get('previous')),
    timestamps: parseBool(q.get('timestamps')),
    tailLines: parseIntParam(q, 'tailLines', 0) ?? -1,
    sinceSeconds: sinceSeconds ?? 0,
    sinceTime,
    limitBytes: parseIntParam(q, 'limitBytes', 1) ?? 0,
  };
}
