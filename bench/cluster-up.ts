// `make cluster-up` to all nodes Ready, with a prebuilt node image: runs
// scripts/cluster-up.sh (what `make cluster-up WORKERS=n` runs) for a cluster of
// its own (unique compose project, kubeconfig and state in a temp dir), prints the
// phases cluster-up reports and the total, then removes the cluster. The node image
// is built (or found up to date) before the clock starts. Target: < 60 s for 2 workers.
//   node dist/bench/cluster-up.js [--workers 2] [--runs 1]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { REPO, removeDir, run, tempDir } from '../test/e2e/harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const WORKERS = Number(args.get('workers') ?? 2);
const RUNS = Number(args.get('runs') ?? 1);

async function must(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15 * 60_000): Promise<string> {
  const r = await run(cmd, argv, { env, timeoutMs });
  if (r.code !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.code}: ${r.stderr.slice(-3000)}`);
  return `${r.stdout}${r.stderr}`;
}

await must('bash', [join(REPO, 'scripts/ensure-compose.sh')]);
await must('bash', [join(REPO, 'scripts/build-node-image.sh')]);
await must('bash', [join(REPO, 'scripts/build-images.sh')]);

const totals: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = await tempDir('bench-cluster-up');
  const env = {
    COMPOSE_PROJECT_NAME: `klbench${randomBytes(3).toString('hex')}`, WORKERS: String(WORKERS),
    KUBELITE_COMPOSE_STATE: join(dir, 'state'), KUBELITE_COMPOSE_KUBECONFIG: join(dir, 'kubeconfig'),
  };
  const started = Date.now();
  try {
    const out = await must('bash', [join(REPO, 'scripts/cluster-up.sh')], env);
    const total = (Date.now() - started) / 1000;
    totals.push(total);
    console.log(`run ${i + 1}: ${WORKERS + 1} nodes Ready in ${total.toFixed(1)} s`);
    for (const line of out.split('\n')) if (line.startsWith('cluster-up [')) console.log(`  ${line.replace(/^cluster-up /, '')}`);
  } finally {
    await run('bash', [join(REPO, 'scripts/cluster-down.sh')], { env, timeoutMs: 3 * 60_000 });
    await removeDir(dir);
  }
}
totals.sort((a, b) => a - b);
console.log(`cluster-up → ${WORKERS + 1} nodes Ready (prebuilt node image): median ${totals[Math.floor(totals.length / 2)].toFixed(1)} s over ${RUNS} run(s); target < 60 s`);
