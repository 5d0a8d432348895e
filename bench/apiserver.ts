// Apiserver throughput and watch latency, beside the raw rate of synced LevelDB
// batches of the same objects on the same disk (the ceiling for durable writes).
//   npm run bench -- apiserver [--creates 5000] [--watchers 100]
import { Level } from 'level';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RestClient } from '../client/rest.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/meta.js';
import { startApiserver, removeDir } from '../test/e2e/harness.js';
import { watchStream } from '../client/watch.js';
import { requireProjectRuntime } from './lib/runtime.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const CREATES = Number(args.get('creates') ?? 5000);
const SEQ_CREATES = Number(args.get('sequential') ?? 500);
const WATCHERS = Number(args.get('watchers') ?? 100);
const WATCH_EVENTS = Number(args.get('watch-events') ?? 200);

const configmaps = findResource('', 'v1', 'configmaps')!;

function configMap(name: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, labels: { bench: 'apiserver', shard: String(name.length % 7) }, annotations: { owner: 'bench' } },
    data: { 'config.yaml': 'replicas: 3\nimage: kubelite.local/busybox:latest\nports: [8001]\n', mode: 'bench' },
  };
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function createLoad(client: RestClient, ns: string, total: number, concurrency: number, prefix: string) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await client.create(configmaps, ns, configMap(`${prefix}-${i}`));
      latencies.push(performance.now() - t0);
    }
  }));
  const secs = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: total / secs, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

async function rawLevel(total: number, concurrency: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelite-bench-level-'));
  const db = new Level<string, string>(dir, { valueEncoding: 'utf8' });
  await db.open();
  let next = 0;
  let rev = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const obj = { ...configMap(`raw-${i}`), metadata: { ...configMap(`raw-${i}`).metadata, uid: crypto.randomUUID(), resourceVersion: String(++rev) } };
      await db.batch([
        { type: 'put', key: `/registry/core/configmaps/default/raw-${i}`, value: JSON.stringify(obj) },
        { type: 'put', key: '\u0000meta/revision', value: String(rev) },
      ], { sync: true });
    }
  }));
  const rate = total / ((performance.now() - started) / 1000);
  await db.close();
  await rm(dir, { recursive: true, force: true });
  return rate;
}

async function watchLatency(client: RestClient, ns: string): Promise<{ p50: number; p99: number; max: number; delivered: number }> {
  const ac = new AbortController();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let ready = 0;
  const start = await client.list(configmaps, ns, { limit: 1 });
  const rv = start.metadata.resourceVersion!;
  const done = Promise.all(Array.from({ length: WATCHERS }, async () => {
    const stream = watchStream(client, configmaps, ns, { resourceVersion: rv, signal: ac.signal });
    ready++;
    let seen = 0;
    try {
      for await (const ev of stream) {
        if (ev.type !== 'ADDED') continue;
        const t = sentAt.get((ev.object as KubeObject).metadata.name!);
        if (t !== undefined) latencies.push(performance.now() - t);
        if (++seen >= WATCH_EVENTS) break;
      }
    } catch {
      // aborted at the end
    }
  }));
  while (ready < WATCHERS) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 500)); // let every watch connect
  for (let i = 0; i < WATCH_EVENTS; i++) {
    const name = `w-${i}`;
    sentAt.set(name, performance.now());
    // time from the write being sent to each watcher seeing it, paced like real traffic
    await client.create(configmaps, ns, configMap(name));
    await new Promise((r) => setTimeout(r, 5));
  }
  const timeout = setTimeout(() => ac.abort(), 15_000);
  await done;
  clearTimeout(timeout);
  ac.abort();
  latencies.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies[latencies.length - 1], delivered: latencies.length };
}

async function main(): Promise<void> {
  requireProjectRuntime();
  const api = await startApiserver();
  try {
    const client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
    const nsInfo = findResource('', 'v1', 'namespaces')!;
    for (const ns of ['bench-seq', 'bench-par', 'bench-watch']) {
      await client.create(nsInfo, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    // warm up connections and JIT
    await createLoad(client, 'bench-seq', 100, 10, 'warm');

    const seq = await createLoad(client, 'bench-seq', SEQ_CREATES, 1, 'seq');
    const par = await createLoad(client, 'bench-par', CREATES, 50, 'par');
    const rawSeq = await rawLevel(SEQ_CREATES, 1);
    const rawPar = await rawLevel(CREATES, 50);
    const watch = await watchLatency(client, 'bench-watch');

    const f = (n: number) => n.toFixed(1);
    console.log('kubelite apiserver benchmark (real process, TLS, synced LevelDB)');
    console.log(`  creates, 1 client:     ${f(seq.rate)}/s   p50 ${f(seq.p50)} ms  p99 ${f(seq.p99)} ms  (${SEQ_CREATES} ConfigMaps)`);
    console.log(`  creates, 50 clients:   ${f(par.rate)}/s   p50 ${f(par.p50)} ms  p99 ${f(par.p99)} ms  (${CREATES} ConfigMaps)   target >= 1000/s`);
    console.log(`  raw synced LevelDB batches, 1 writer:   ${f(rawSeq)}/s`);
    console.log(`  raw synced LevelDB batches, 50 writers: ${f(rawPar)}/s`);
    console.log(`  ratio apiserver(50 clients) / raw LevelDB(1 writer):   ${(par.rate / rawSeq * 100).toFixed(0)}%   target >= 25%`);
    console.log(`  ratio apiserver(50 clients) / raw LevelDB(50 writers): ${(par.rate / rawPar * 100).toFixed(0)}%`);
    console.log(`  watch delivery to ${WATCHERS} watchers: p50 ${f(watch.p50)} ms  p99 ${f(watch.p99)} ms  max ${f(watch.max)} ms  (${watch.delivered} deliveries)   target p99 < 50 ms`);
  } finally {
    await api.stop();
    await removeDir(api.dataDir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
