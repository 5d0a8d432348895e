// Cost of the apiserver's decode-time type check (apiserver/typecheck/shape.ts), per object:
//   node dist/bench/typecheck.js [--iterations 20000]
// Side by side with the work every write already does on the same object (JSON.parse of
// its body and JSON.stringify for storage), so the figure reads as a ratio to that baseline.
import { checkShape, warmUpShapeTables } from '../apiserver/typecheck/shape.js';
import { fullDeployment, fullPod } from '../apiserver/typecheck/fixtures.js';
import type { KubeObject } from '../api/meta.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--iterations');
const ITERATIONS = at >= 0 ? Number(argv[at + 1]) : 20_000;

function perObjectMicros(fn: () => void): number {
  for (let i = 0; i < 500; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e3 / ITERATIONS;
}

warmUpShapeTables();
console.log('object       check µs   parse+stringify µs   ratio');
for (const [name, make] of [['Pod', fullPod], ['Deployment', fullDeployment]] as const) {
  const obj: KubeObject = make();
  const text = JSON.stringify(obj);
  const check = perObjectMicros(() => checkShape(obj, obj.apiVersion ?? '', obj.kind ?? '', { strict: true }));
  const baseline = perObjectMicros(() => JSON.stringify(JSON.parse(text)));
  console.log(`${name.padEnd(12)} ${check.toFixed(1).padStart(8)}   ${baseline.toFixed(1).padStart(18)}   ${(check / baseline).toFixed(2).padStart(5)}`);
}
