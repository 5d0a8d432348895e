// Benchmarks measure the processes they start by pid. bin/kubelite started by a Node.js
// older than package.json's engines runs kubelite as a child on the pinned runtime, so
// that pid would be the launcher's and the figures the launcher's: a benchmark refuses
// to run on such a node (`npm run bench -- <name>` uses node_modules/.bin/node).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../test/e2e/harness.js';

export function requireProjectRuntime(): void {
  const engines = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '';
  const minimum = Number(/>=\s*(\d+)/.exec(engines)?.[1] ?? 0);
  if (Number(process.versions.node.split('.')[0]) >= minimum) return;
  process.stderr.write(`bench: needs Node.js ${engines} (this is ${process.version}); run it with 'npm run bench -- <name>', which uses node_modules/.bin/node\n`);
  process.exit(2);
}
