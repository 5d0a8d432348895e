// What `kubelite up` shows while the cluster comes up: one line per step with the
// time since `up` started. On a terminal the step being waited for is a live line
// with a spinner; elsewhere (logs, CI) each step prints when it starts and ends.

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const WIDTH = 46;

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function stepLine(mark: string, label: string, elapsedMs: number): string {
  const pad = label.length < WIDTH ? ' '.repeat(WIDTH - label.length) : ' ';
  return `  ${mark} ${label}${pad}${formatSeconds(elapsedMs).padStart(6)}`;
}

export interface Step {
  done(label?: string): void;
  /** without a message when the caller reports the error itself */
  fail(message?: string): void;
  /** replaces the label while waiting (e.g. what is still missing) */
  update(label: string): void;
}

export class Progress {
  private live?: { label: string; timer: NodeJS.Timeout; frame: number };

  constructor(private readonly out: ProgressOutput, private readonly startedAt = Date.now(), private readonly now = () => Date.now()) {}

  elapsed(): number {
    return this.now() - this.startedAt;
  }

  line(text: string): void {
    this.clearLive();
    this.out.write(`${text}\n`);
    this.redrawLive();
  }

  /** Runs `fn` as one step: ✓ with `done(result)` (or the label) when it resolves, ✗ when it throws. */
  async run<T>(label: string, fn: () => Promise<T>, done?: (v: T) => string): Promise<T> {
    const s = this.step(label);
    try {
      const v = await fn();
      s.done(done?.(v));
      return v;
    } catch (e) {
      s.fail();
      throw e;
    }
  }

  step(label: string): Step {
    this.finishLive();
    let current = label;
    let finished = false;
    if (this.out.isTTY) {
      const timer = setInterval(() => this.redrawLive(true), 100);
      timer.unref();
      this.live = { label, timer, frame: 0 };
      this.redrawLive();
    } else {
      this.out.write(`${stepLine('…', label, this.elapsed())}\n`);
    }
    const end = (mark: string, text: string) => {
      if (finished) return;
      finished = true;
      if (this.live && this.live.label === current) this.finishLive();
      this.out.write(`${stepLine(mark, text, this.elapsed())}\n`);
    };
    return {
      done: (l) => end('✓', l ?? current),
      fail: (message) => end('✗', message ? `${current}: ${message}` : current),
      update: (l) => {
        if (finished) return;
        if (this.live && this.live.label === current) this.live.label = l;
        current = l;
      },
    };
  }

  private redrawLive(advance = false): void {
    if (!this.live) return;
    if (advance) this.live.frame = (this.live.frame + 1) % SPINNER.length;
    this.out.write(`\r\x1b[K${stepLine(SPINNER[this.live.frame], this.live.label, this.elapsed())}`);
  }

  private clearLive(): void {
    if (this.live) this.out.write('\r\x1b[K');
  }

  private finishLive(): void {
    if (!this.live) return;
    clearInterval(this.live.timer);
    this.live = undefined;
    this.out.write('\r\x1b[K');
  }

  close(): void {
    this.finishLive();
  }
}
