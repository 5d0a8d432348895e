// Entry point of the detached host supervisor (`kubelite start --detach` forks it):
// `node host-supervisor-main.js --data-dir D`. Kept apart from cli/main.ts so this
// long-running process does not load the kubectl-like verbs.
import { runHostSupervisor } from './run-start.js';

const i = process.argv.indexOf('--data-dir');
const dataDir = i > 0 ? process.argv[i + 1] : undefined;
if (!dataDir) {
  process.stderr.write('usage: host-supervisor-main.js --data-dir DIR\n');
  process.exit(2);
}
try {
  await runHostSupervisor(dataDir);
} catch (e) {
  process.stderr.write(`kubelite start: ${(e as Error).message}\n`);
  process.exit(1);
}
