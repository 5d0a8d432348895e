// LogRequest → Docker's container logs query.
import type { LogRequest } from '../../api/kubelet-proto.js';

export interface DockerLogOptions {
  follow: boolean;
  stdout: true;
  stderr: true;
  timestamps: boolean;
  /** absent: every line */
  tail?: number;
  since?: number;
}

export function dockerLogOptions(req: Pick<LogRequest, 'follow' | 'tailLines' | 'sinceSeconds' | 'sinceTime' | 'timestamps'>, nowMs: number): DockerLogOptions {
  const opts: DockerLogOptions = { follow: req.follow, stdout: true, stderr: true, timestamps: req.timestamps };
  if (req.tailLines >= 0) opts.tail = req.tailLines;
  if (req.sinceSeconds > 0) {
    opts.since = Math.floor(nowMs / 1000) - req.sinceSeconds;
  } else if (req.sinceTime) {
    const t = Date.parse(req.sinceTime);
    if (!Number.isNaN(t)) opts.since = Math.floor(t / 1000);
  }
  return opts;
}

/** Cuts a stream at limitBytes (0 = unlimited): returns what may still be sent of this chunk. */
export class ByteLimit {
  private sent = 0;
  constructor(private readonly limit: number) {}
  take(chunk: Buffer): Buffer {
    if (this.limit <= 0) return chunk;
    const left = this.limit - this.sent;
    const out = left >= chunk.length ? chunk : chunk.subarray(0, Math.max(0, left));
    this.sent += out.length;
    return out;
  }
  get exhausted(): boolean {
    return this.limit > 0 && this.sent >= this.limit;
  }
}
