// The arithmetic behind metrics: CPU in nanocores from two cumulative samples and
// memory working set, the way cadvisor (and so metrics-server) computes them.

/** The parts of Docker's /containers/{id}/stats answer used here. */
export interface DockerStatsSample {
  read?: string;
  preread?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  precpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

export interface CpuSample {
  /** cumulative CPU time, ns */
  usageNs: number;
  /** wall clock of the sample, ns */
  atNs: number;
}

/** nanocores between two samples; 0 when they do not span time or the counter went back. */
export function nanoCores(prev: CpuSample, cur: CpuSample): number {
  const dt = cur.atNs - prev.atNs;
  const du = cur.usageNs - prev.usageNs;
  if (dt <= 0 || du < 0) return 0;
  return Math.round((du / dt) * 1e9);
}

function parseTimeNs(s: string | undefined): number {
  if (!s || s.startsWith('0001-')) return 0;
  // Date.parse drops sub-millisecond digits; keep them for short windows
  const m = /\.(\d+)Z$/.exec(s);
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) return 0;
  const frac = m ? Number(`0.${m[1]}`) : 0;
  return (Math.floor(ms / 1000) + frac) * 1e9;
}

/** CPU and window from one Docker stats answer (which carries the previous sample as precpu/preread). */
export function containerCpu(s: DockerStatsSample): { nanoCores: number; windowSeconds: number } {
  const prev = { usageNs: s.precpu_stats?.cpu_usage?.total_usage ?? 0, atNs: parseTimeNs(s.preread) };
  const cur = { usageNs: s.cpu_stats?.cpu_usage?.total_usage ?? 0, atNs: parseTimeNs(s.read) };
  if (!prev.atNs || !cur.atNs) return { nanoCores: 0, windowSeconds: 0 };
  return { nanoCores: nanoCores(prev, cur), windowSeconds: (cur.atNs - prev.atNs) / 1e9 };
}

/** usage minus inactive file pages (cgroup v1 `total_inactive_file`, v2 `inactive_file`), never negative. */
export function workingSetBytes(mem: DockerStatsSample['memory_stats']): number {
  const usage = mem?.usage ?? 0;
  const inactive = mem?.stats?.total_inactive_file ?? mem?.stats?.inactive_file ?? 0;
  return Math.max(0, usage - inactive);
}

export interface ProcStatCpu {
  busy: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat, in jiffies; idle and iowait count as idle. */
export function parseProcStat(text: string): ProcStatCpu | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // guest time is already inside user/nice; counting it twice would overstate usage
  const fields = v.slice(0, 8);
  const total = fields.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** Node CPU in nanocores from two /proc/stat samples on a machine with `cpus` CPUs. */
export function nodeNanoCores(a: ProcStatCpu, b: ProcStatCpu, cpus: number): number {
  const total = b.total - a.total;
  const busy = b.busy - a.busy;
  if (total <= 0 || busy < 0) return 0;
  return Math.round((busy / total) * cpus * 1e9);
}

/** MemTotal − MemAvailable from /proc/meminfo, in bytes. */
export function nodeWorkingSetBytes(meminfo: string): number {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  return Math.max(0, kb('MemTotal') - kb('MemAvailable'));
}
