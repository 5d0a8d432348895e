import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatMicroTime, LeaderElector, parseMicroTime, type Lease, type LeaderElectorOptions } from './leader-election.js';
import { RestClient } from './rest.js';

/** Leases only: get, create (409 AlreadyExists), update with a resourceVersion precondition (409 Conflict). */
class FakeLeaseServer {
  rv = 0;
  readonly leases = new Map<string, Lease>();
  readonly writes: string[] = [];
  /** runs before a PUT is applied: lets a test slip in a rival's write to force a 409 */
  beforePut?: () => void;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** Writes a lease directly, as another replica would. */
  put(ns: string, name: string, spec: Lease['spec']): void {
    const key = `${ns}/${name}`;
    const existing = this.leases.get(key);
    this.leases.set(key, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...(existing?.metadata ?? { name, namespace: ns }), resourceVersion: String(++this.rv) },
      spec,
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/?]+))?/.exec(req.url!);
      if (!m) return this.status(res, 404, 'NotFound', 'no route');
      const [, ns, name] = m;
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Lease) : undefined;
      if (req.method === 'GET' && name) {
        const lease = this.leases.get(`${ns}/${name}`);
        return lease ? this.json(res, 200, lease) : this.status(res, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      }
      if (req.method === 'POST' && !name && body) {
        const key = `${ns}/${body.metadata.name}`;
        if (this.leases.has(key)) return this.status(res, 409, 'AlreadyExists', 'already exists');
        const created = { ...body, metadata: { ...body.metadata, namespace: ns, resourceVersion: String(++this.rv) } };
        this.leases.set(key, created);
        this.writes.push(`create ${body.spec?.holderIdentity}`);
        return this.json(res, 201, created);
      }
      if (req.method === 'PUT' && name && body) {
        this.beforePut?.();
        const key = `${ns}/${name}`;
        const current = this.leases.get(key);
        if (!current) return this.status(res, 404, 'NotFound', 'not found');
        if (body.metadata.resourceVersion !== current.metadata.resourceVersion) {
          this.writes.push(`conflict ${body.spec?.holderIdentity}`);
          return this.status(res, 409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
        }
        const updated = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
        this.leases.set(key, updated);
        this.writes.push(`update ${body.spec?.holderIdentity}`);
        return this.json(res, 200, updated);
      }
      this.status(res, 405, 'MethodNotAllowed', 'no');
    });
  }

  private json(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code });
  }
}

const FAST = { leaseDurationSeconds: 1, renewDeadlineMs: 300, retryPeriodMs: 30 };

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Candidate {
  elector: LeaderElector;
  ctl: AbortController;
  done: Promise<void>;
  events: string[];
  leaderSignal?: AbortSignal;
}

function candidate(client: RestClient, identity: string, extra: Partial<LeaderElectorOptions> = {}): Candidate {
  const events: string[] = [];
  const c: Partial<Candidate> = { events };
  const elector = new LeaderElector(client, {
    namespace: 'kube-system',
    name: 'kube-scheduler',
    identity,
    ...FAST,
    onStartedLeading: (signal) => {
      c.leaderSignal = signal;
      events.push('started');
    },
    onStoppedLeading: () => void events.push('stopped'),
    onNewLeader: (id) => void events.push(`leader ${id}`),
    ...extra,
  });
  const ctl = new AbortController();
  Object.assign(c, { elector, ctl, done: elector.run(ctl.signal) });
  return c as Candidate;
}

test('MicroTime format and parse', () => {
  const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 123);
  assert.equal(formatMicroTime(ms), '2026-01-02T03:04:05.123000Z');
  assert.equal(parseMicroTime('2026-01-02T03:04:05.123456Z'), ms);
  assert.equal(parseMicroTime('2026-01-02T03:04:05Z'), ms - 123);
  assert.ok(Number.isNaN(parseMicroTime(undefined)));
});

test('creates the lease, leads, renews, and releases on cancel', async () => {
  const server = new FakeLeaseServer();
  await server.start();
  const client = new RestClient({ server: server.url, namespace: 'default' });
  const a = candidate(client, 'a', { releaseOnCancel: true });
  try {
    await waitFor(() => a.events.includes('started'), 'leading');
    assert.equal(a.elector.isLeader(), true);
    assert.equal(a.elector.getLeader(), 'a');
    const first = server.leases.get('kube-system/kube-scheduler')!;
    assert.equal(first.spec?.holderIdentity, 'a');
    assert.equal(first.spec?.leaseTransitions, 0);
    assert.equal(first.spec?.leaseDurationSeconds, 1);
    assert.match(first.spec!.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await waitFor(() => server.writes.filter((w) => w === 'update a').length >= 2, 'renewals');
    const renewed = server.leases.get('kube-system/kube-scheduler')!;
    assert.ok(parseMicroTime(renewed.spec!.renewTime) > parseMicroTime(first.spec!.renewTime));
    assert.equal(renewed.spec?.acquireTime, first.spec?.acquireTime);
    assert.equal(renewed.spec?.leaseTransitions, 0);

    a.ctl.abort();
    await a.done;
    assert.equal(a.leaderSignal?.aborted, true);
    assert.deepEqual(a.events, ['leader a', 'started', 'stopped']);
    assert.equal(a.elector.isLeader(), false);
    assert.equal(server.leases.get('kube-system/kube-scheduler')!.spec?.holderIdentity, '');
  } finally {
    a.ctl.abort();
    client.close();
    await server.close();
  }
});

test('one of two candidates leads; the other takes over after release, counting the transition', async () => {
  const server = new FakeLeaseServer();
  await server.start();
  const client = new RestClient({ server: server.url, namespace: 'default' });
  const a = candidate(client, 'a', { releaseOnCancel: true });
  const b = candidate(client, 'b', { releaseOnCancel: true });
  try {
    await waitFor(() => a.elector.isLeader() || b.elector.isLeader(), 'a leader');
    const [leader, follower] = a.elector.isLeader() ? [a, b] : [b, a];
    const leaderId = leader === a ? 'a' : 'b';
    const followerId = leader === a ? 'b' : 'a';
    await waitFor(() => follower.elector.getLeader() === leaderId, 'the follower to see the leader');
    assert.equal(follower.elector.isLeader(), false);
    assert.ok(!follower.events.includes('started'));

    leader.ctl.abort();
    await leader.done;
    await waitFor(() => follower.elector.isLeader(), 'takeover');
    const lease = server.leases.get('kube-system/kube-scheduler')!;
    assert.equal(lease.spec?.holderIdentity, followerId);
    assert.equal(lease.spec?.leaseTransitions, 1);
    assert.deepEqual(follower.events, [`leader ${leaderId}`, `leader ${followerId}`, 'started']);
  } finally {
    a.ctl.abort();
    b.ctl.abort();
    await Promise.all([a.done, b.done]);
    client.close();
    await server.close();
  }
});

test('waits while another holder is fresh, takes over once renewTime + duration has passed', async () => {
  const server = new FakeLeaseServer();
  await server.start();
  const client = new RestClient({ server: server.url, namespace: 'default' });
  const now = Date.now();
  server.put('kube-system', 'kube-scheduler', {
    holderIdentity: 'old',
    leaseDurationSeconds: 1,
    acquireTime: formatMicroTime(now - 60_000),
    renewTime: formatMicroTime(now - 700), // expires ~300 ms from now
    leaseTransitions: 4,
  });
  const c = candidate(client, 'c');
  try {
    await waitFor(() => c.events.includes('leader old'), 'observe old leader');
    assert.equal(c.elector.isLeader(), false);
    await waitFor(() => c.elector.isLeader(), 'takeover after expiry');
    assert.ok(Date.now() >= now + 300, 'did not take a fresh lease');
    const lease = server.leases.get('kube-system/kube-scheduler')!;
    assert.equal(lease.spec?.holderIdentity, 'c');
    assert.equal(lease.spec?.leaseTransitions, 5);
    assert.ok(parseMicroTime(lease.spec!.acquireTime) >= now);
  } finally {
    c.ctl.abort();
    await c.done;
    client.close();
    await server.close();
  }
});

test('a 409 on update means someone else won: no leadership, and a leader that keeps losing steps down', async () => {
  const server = new FakeLeaseServer();
  await server.start();
  const client = new RestClient({ server: server.url, namespace: 'default' });
  server.put('kube-system', 'kube-scheduler', { holderIdentity: 'stale', leaseDurationSeconds: 1, renewTime: formatMicroTime(Date.now() - 10_000) });
  // A rival renews between our GET and our PUT, every time.
  const rivalWrites = (): void => server.put('kube-system', 'kube-scheduler', {
    holderIdentity: 'rival',
    leaseDurationSeconds: 1,
    renewTime: formatMicroTime(Date.now() - 10_000), // looks expired, so we keep trying
    leaseTransitions: 0,
  });
  server.beforePut = rivalWrites;
  const d = candidate(client, 'd');
  try {
    await waitFor(() => server.writes.filter((w) => w === 'conflict d').length >= 3, 'conflicts');
    assert.equal(d.elector.isLeader(), false);
    assert.ok(!d.events.includes('started'));

    // Let d win, then make every renewal conflict: it must step down after the renew deadline.
    server.beforePut = undefined;
    await waitFor(() => d.elector.isLeader(), 'leading');
    const wonAt = Date.now();
    server.beforePut = rivalWrites;
    await d.done;
    assert.ok(Date.now() - wonAt >= 250, 'kept trying until the renew deadline');
    // it saw the rival's writes while trying to renew, then gave up
    assert.deepEqual(d.events.slice(d.events.indexOf('started')), ['started', 'leader rival', 'stopped']);
    assert.equal(d.leaderSignal?.aborted, true);
    assert.equal(d.elector.isLeader(), false);
  } finally {
    d.ctl.abort();
    server.beforePut = undefined;
    client.close();
    await server.close();
  }
});
