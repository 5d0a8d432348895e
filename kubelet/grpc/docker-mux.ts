// Docker's multiplexed attach/logs stream for non-TTY containers: frames of an
// 8-byte header (stream type, 3 zero bytes, big-endian length) then the payload.
// Chunks from the socket split frames anywhere, so the decoder keeps the remainder.

export type DockerStream = 'stdout' | 'stderr';

export interface DemuxedChunk {
  stream: DockerStream;
  data: Buffer;
}

export class DockerDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes, returns every complete or partial payload now known (payloads are streamed, not held back). */
  push(chunk: Buffer): DemuxedChunk[] {
    const out: DemuxedChunk[] = [];
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length > 0) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, this.pending.length);
        out.push({ stream: this.current, data: this.pending.subarray(0, take) });
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        continue;
      }
      if (this.pending.length < 8) break;
      // 0 is stdin (never sent back), 1 stdout, 2 stderr; anything else is treated as stdout
      this.current = this.pending[0] === 2 ? 'stderr' : 'stdout';
      this.remaining = this.pending.readUInt32BE(4);
      this.pending = this.pending.subarray(8);
    }
    return out;
  }

  private current: DockerStream = 'stdout';
  private remaining = 0;
}

/** Demuxes a whole buffer (non-follow logs come back as one). */
export function demuxAll(buf: Buffer): DemuxedChunk[] {
  return new DockerDemuxer().push(buf);
}
