import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { nextFailureCount, restartDelay, Supervisor, type ChildLike, type Clock } from './supervisor.js';

const policy = { initialMs: 1000, maxMs: 8000, resetAfterMs: 60_000 };

test('restart delays double per quick failure, are capped, and reset after a long run', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => restartDelay(n, policy)), [1000, 2000, 4000, 8000, 8000, 8000]);
  assert.equal(nextFailureCount(0, 100, policy), 1);
  assert.equal(nextFailureCount(3, 100, policy), 4);
  assert.equal(nextFailureCount(5, 60_000, policy), 1);
});

class FakeChild extends EventEmitter implements ChildLike {
  signals: string[] = [];
  constructor(readonly pid: number, private readonly ignoreTerm = false) {
    super();
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || !this.ignoreTerm) queueMicrotask(() => this.emit('exit', null, signal));
    return true;
  }
  die(code: number): void {
    this.emit('exit', code, null);
  }
}

class FakeClock implements Clock {
  t = 0;
  timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private id = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.id;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  advance(ms: number): void {
    this.t += ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
  }
}

function setup(opts: { ignoreTerm?: string[] } = {}) {
  const clock = new FakeClock();
  const children: Record<string, FakeChild[]> = {};
  let pid = 100;
  const events: string[] = [];
  const sup = new Supervisor<{ name: string }>({
    clock, backoff: policy, stopLast: ['apiserver'], stopTimeoutMs: 5000,
    spawn: (spec) => {
      const c = new FakeChild(++pid, opts.ignoreTerm?.includes(spec.name));
      (children[spec.name] ??= []).push(c);
      return c;
    },
  });
  sup.on('started', (n, p, r) => events.push(`started ${n} ${p} #${r}`));
  sup.on('exited', (n, code, sig, up) => events.push(`exited ${n} ${code ?? sig} after ${up}`));
  sup.on('restarting', (n, d, r) => events.push(`restarting ${n} in ${d} #${r}`));
  return { clock, children, sup, events };
}

test('a child that dies is restarted with growing delays, and the delay resets after a long run', () => {
  const { clock, children, sup, events } = setup();
  sup.start({ name: 'scheduler' });
  clock.advance(500);
  children.scheduler[0].die(1);
  assert.equal(sup.pids().scheduler, undefined, 'no pid while waiting to restart');
  clock.advance(999);
  assert.equal(children.scheduler.length, 1, 'not before the delay');
  clock.advance(1);
  assert.equal(children.scheduler.length, 2);
  assert.equal(sup.pids().scheduler, children.scheduler[1].pid);
  children.scheduler[1].die(1);
  clock.advance(2000);
  assert.equal(children.scheduler.length, 3, 'second quick failure waits 2 s');
  clock.advance(70_000);
  children.scheduler[2].die(137);
  clock.advance(1000);
  assert.equal(children.scheduler.length, 4, 'after a long run the delay is back to 1 s');
  assert.equal(sup.restartCount('scheduler'), 3);
  assert.deepEqual(events, [
    'started scheduler 101 #0', 'exited scheduler 1 after 500', 'restarting scheduler in 1000 #1', 'started scheduler 102 #1',
    'exited scheduler 1 after 0', 'restarting scheduler in 2000 #2', 'started scheduler 103 #2',
    'exited scheduler 137 after 70000', 'restarting scheduler in 1000 #3', 'started scheduler 104 #3',
  ]);
});

test('stop terminates the others first, the apiserver last, cancels pending restarts and does not restart', async () => {
  const { clock, children, sup } = setup();
  for (const name of ['apiserver', 'scheduler', 'kubelet', 'proxy']) sup.start({ name });
  children.proxy[0].die(1); // waiting to restart
  const order: string[] = [];
  for (const name of ['apiserver', 'scheduler', 'kubelet']) children[name][0].once('exit', () => order.push(name));
  await sup.stop();
  assert.deepEqual(order.slice(0, 2).sort(), ['kubelet', 'scheduler']);
  assert.equal(order[2], 'apiserver');
  clock.advance(60_000);
  assert.equal(children.proxy.length, 1, 'a pending restart is cancelled');
  assert.equal(children.scheduler.length, 1, 'no restart after stop');
  assert.throws(() => sup.start({ name: 'dns' }), /stopping/);
});

test('a child that ignores SIGTERM is killed after the stop timeout', async () => {
  const { clock, children, sup } = setup({ ignoreTerm: ['kubelet'] });
  sup.start({ name: 'kubelet' });
  const stopped = sup.stop();
  await Promise.resolve();
  assert.deepEqual(children.kubelet[0].signals, ['SIGTERM']);
  clock.advance(5000);
  await stopped;
  assert.deepEqual(children.kubelet[0].signals, ['SIGTERM', 'SIGKILL']);
});

test('a spawn that throws is retried with backoff', () => {
  const clock = new FakeClock();
  let calls = 0;
  const sup = new Supervisor<{ name: string }>({
    clock, backoff: policy,
    spawn: () => {
      calls++;
      if (calls < 3) throw new Error('EAGAIN');
      return new FakeChild(7);
    },
  });
  const errors: string[] = [];
  sup.on('spawn-error', (n, e) => errors.push(`${n}: ${e.message}`));
  sup.start({ name: 'dns' });
  clock.advance(1000);
  clock.advance(2000);
  assert.equal(calls, 3);
  assert.equal(sup.pids().dns, 7);
  assert.deepEqual(errors, ['dns: EAGAIN', 'dns: EAGAIN']);
});
