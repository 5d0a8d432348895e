// Kubernetes' channel protocol over WebSocket (v4/v5.channel.k8s.io) for exec and
// attach: each binary message starts with its channel byte.
import type { Status } from '../../api/meta.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5: `[255, channel]` from the client means it closed that channel (stdin) */
export const CLOSE = 255;

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export function encodeChannel(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export type ClientFrame =
  | { type: 'stdin'; data: Buffer }
  | { type: 'resize'; width: number; height: number }
  | { type: 'close'; channel: number }
  | { type: 'ignore' }
  | { type: 'invalid'; reason: string };

/** `{"Width":80,"Height":24}`, as kubectl sends on the resize channel. */
export function parseResize(data: Buffer): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const w = Number(v.Width);
    const h = Number(v.Height);
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 0 || h < 0 || w > 0xffff || h > 0xffff) return undefined;
    return { width: w, height: h };
  } catch {
    return undefined;
  }
}

export function decodeClientFrame(msg: Buffer, protocol: ExecProtocol): ClientFrame {
  if (msg.length === 0) return { type: 'ignore' };
  const channel = msg[0];
  const data = msg.subarray(1);
  switch (channel) {
    case STDIN:
      return { type: 'stdin', data };
    case RESIZE: {
      const size = parseResize(data);
      return size ? { type: 'resize', ...size } : { type: 'invalid', reason: `invalid resize message ${JSON.stringify(data.toString('utf8'))}` };
    }
    case CLOSE:
      if (protocol !== 'v5.channel.k8s.io') return { type: 'ignore' };
      return data.length === 1 ? { type: 'close', channel: data[0] } : { type: 'invalid', reason: 'invalid close message' };
    default:
      // writes to output channels from the client carry nothing for us
      return { type: 'ignore' };
  }
}

/** Picks the protocol from Sec-WebSocket-Protocol offers, v5 first. */
export function negotiateExecProtocol(offered: Iterable<string>): ExecProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return EXEC_PROTOCOLS.find((p) => set.has(p));
}

type StreamStatus = Pick<Status, 'metadata' | 'status' | 'message' | 'reason' | 'details'>;

export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/** Go's %v of a []string: `[sh -c exit 3]`. */
export function goStringSlice(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

export function exitCodeStatus(command: readonly string[], code: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command ${goStringSlice(command)}, exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(message: string, reason?: string): StreamStatus {
  const s: StreamStatus = { metadata: {}, status: 'Failure', message };
  if (reason) s.reason = reason;
  return s;
}
