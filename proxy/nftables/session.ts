// A long-running `nft -i` for small transactions. Starting nft per sync costs more
// than a one-service change itself: the process start (libnftables and its
// dependencies), and its exit, where closing the netlink socket waits for the kernel
// to free the previous transaction (an RCU grace period, ≈10 ms here).
// Each transaction goes in as one input line (one line is one nft transaction) and
// is followed by a marker line that nft cannot parse: its syntax error on stderr,
// which comes after any error of the transaction, says the transaction is done.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** `nft -f` text → the same commands on one line (chain bodies as `{ rule; rule; }`). */
export function toOneLine(text: string): string {
  let out = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.endsWith('{')) out += `${line} `;
    else out += `${line}; `;
  }
  return out.trim();
}

export interface MarkerReply {
  /** what the transaction wrote to stderr (empty: it succeeded) */
  error: string;
  /** stderr after the marker's own message */
  rest: string;
}

/**
 * Finds the end of the marker's syntax error (three lines: the message, the marker,
 * a caret) in stderr; undefined while it is incomplete.
 */
export function parseMarkerReply(stderr: string, marker: string): MarkerReply | undefined {
  const at = stderr.indexOf(`\n${marker}\n`);
  if (at < 0) return undefined;
  const caretEnd = stderr.indexOf('\n', at + marker.length + 2);
  if (caretEnd < 0) return undefined;
  const before = stderr.slice(0, at);
  const messageStart = before.lastIndexOf('\n') + 1; // the marker's own "Error: syntax error" line
  return { error: before.slice(0, messageStart).trim(), rest: stderr.slice(caretEnd + 1) };
}

interface Pending {
  marker: string;
  resolve: (error: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class NftSession {
  private child?: ChildProcessWithoutNullStreams;
  private stderr = '';
  private pending?: Pending;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** false once nft answered the start-up marker in an unexpected way: then callers use `nft -f` */
  usable = true;

  constructor(private readonly timeoutMs = 60_000) {}

  /** Runs one transaction; rejects with nft's message when nft refuses it. */
  run(text: string): Promise<void> {
    const next = this.queue.then(() => this.transact(text));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the nft process (it also ends by itself when this process exits: its stdin closes). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private async transact(text: string): Promise<void> {
    if (!this.child) {
      this.start();
      // A marker alone must come back as exactly the marker's error: anything else
      // means this nft words its replies differently, and this session cannot tell
      // success from failure.
      const hello = await this.exchange('');
      if (hello !== '') {
        this.usable = false;
        this.close();
        throw new Error(`nft -i answered the start-up marker unexpectedly: ${hello.slice(0, 200)}`);
      }
    }
    const error = await this.exchange(toOneLine(text));
    if (error) throw new Error(`nft -i: ${error.split('\n').slice(0, 5).join('\n')}`);
  }

  private start(): void {
    const child = spawn('nft', ['-i'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stderr = '';
    child.stdout.resume(); // nothing is expected there; keep the pipe from filling
    child.stderr.on('data', (d: Buffer) => {
      if (this.child !== child) return;
      this.stderr += d.toString();
      this.check();
    });
    child.stdin.on('error', () => undefined); // a dead nft shows up as 'exit'
    child.on('error', (e) => this.fail(child, new Error(`nft -i: ${e.message}`)));
    child.on('exit', (code, signal) => this.fail(child, new Error(`nft -i exited (${signal ?? code})`)));
    this.idle(child);
  }

  /** Sends one line and its marker; resolves with the line's stderr. */
  private exchange(line: string): Promise<string> {
    const child = this.child!;
    const marker = `kubelite-nft-done-${++this.seq}`;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(child, new Error(`nft -i gave no answer in ${this.timeoutMs} ms`));
        child.kill('SIGKILL');
      }, this.timeoutMs);
      this.pending = { marker, resolve, reject, timer };
      this.busy(child);
      child.stdin.write(line ? `${line}\n${marker}\n` : `${marker}\n`);
    });
  }

  private check(): void {
    const p = this.pending;
    if (!p) return;
    const reply = parseMarkerReply(this.stderr, p.marker);
    if (!reply) return;
    this.stderr = reply.rest;
    this.pending = undefined;
    clearTimeout(p.timer);
    if (this.child) this.idle(this.child);
    p.resolve(reply.error);
  }

  private fail(child: ChildProcessWithoutNullStreams, e: Error): void {
    if (this.child === child) this.child = undefined;
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(e);
  }

  // An idle session must not keep the proxy process alive, a busy one must (a
  // caller may await nothing else).
  private idle(child: ChildProcessWithoutNullStreams): void {
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }

  private busy(child: ChildProcessWithoutNullStreams): void {
    child.ref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { ref?: () => void }).ref?.();
  }
}
