// Benchmarks measure the processes they start by pid. bin/kubelite started by a Node.js
// older than package.json's engines runs kubelite as a child on the pinned runtime, so
// that pid would be the launcher's and the figures the launcher's: a benchmark refuses
// to run on such a node (`npm run bench -- <name>` uses node_modules/.bin/node).
import { requiredNode } from '../../test/e2e/harness.js';

export function requireProjectRuntime(): void {
  const { range, major } = requiredNode();
  if (Number(process.versions.node.split('.')[0]) >= major) return;
  process.stderr.write(`bench: needs Node.js ${range} (this is ${process.version}); run it with 'npm run bench -- <name>', which uses node_modules/.bin/node\n`);
  process.exit(2);
}
