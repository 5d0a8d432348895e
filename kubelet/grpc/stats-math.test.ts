import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerCpu, nanoCores, nodeNanoCores, nodeWorkingSetBytes, parseProcStat, workingSetBytes } from './stats-math.js';

test('nanocores: CPU time over wall time', () => {
  // 50 ms of CPU in 1 s = 50m = 50,000,000 nanocores
  assert.equal(nanoCores({ usageNs: 1e9, atNs: 0 }, { usageNs: 1.05e9, atNs: 1e9 }), 50_000_000);
  assert.equal(nanoCores({ usageNs: 5, atNs: 10 }, { usageNs: 4, atNs: 20 }), 0);
  assert.equal(nanoCores({ usageNs: 5, atNs: 10 }, { usageNs: 6, atNs: 10 }), 0);
});

test('container CPU from a Docker stats answer', () => {
  const r = containerCpu({
    read: '2024-05-01T10:00:01.500000000Z', preread: '2024-05-01T10:00:00.500000000Z',
    cpu_stats: { cpu_usage: { total_usage: 300_000_000 } }, precpu_stats: { cpu_usage: { total_usage: 100_000_000 } },
  });
  assert.equal(r.nanoCores, 200_000_000);
  assert.equal(r.windowSeconds, 1);
  // first sample of a fresh container: no previous read
  assert.deepEqual(containerCpu({ read: '2024-05-01T10:00:01Z', preread: '0001-01-01T00:00:00Z' }), { nanoCores: 0, windowSeconds: 0 });
});

test('working set excludes inactive file pages', () => {
  assert.equal(workingSetBytes({ usage: 10_000, stats: { total_inactive_file: 4_000 } }), 6_000);
  assert.equal(workingSetBytes({ usage: 10_000, stats: { inactive_file: 1_000 } }), 9_000);
  assert.equal(workingSetBytes({ usage: 1_000, stats: { total_inactive_file: 4_000 } }), 0);
  assert.equal(workingSetBytes(undefined), 0);
});

test('node CPU from /proc/stat', () => {
  const a = parseProcStat('cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n')!;
  const b = parseProcStat('cpu  200 0 200 1300 200 0 0 0 0 0\n')!;
  assert.deepEqual(a, { busy: 200, total: 1000 });
  // 200 busy of 900 jiffies on 2 CPUs
  assert.equal(nodeNanoCores(a, b, 2), Math.round((200 / 900) * 2e9));
  assert.equal(parseProcStat('nothing'), undefined);
});

test('node memory from /proc/meminfo', () => {
  assert.equal(nodeWorkingSetBytes('MemTotal:       2000 kB\nMemFree:  10 kB\nMemAvailable:    500 kB\n'), 1500 * 1024);
});
