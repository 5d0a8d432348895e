import type { Command } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_HOST_DATA_DIR } from './init.js';

export function registerReset(program: Command): void {
  program
    .command('reset')
    .description('Undo kubelite init / kubelite join on this host: stop the components, remove containers, routes, rules, units and the data dir.')
    .option('--data-dir <dir>', 'the data dir given to init/join', DEFAULT_HOST_DATA_DIR)
    .option('-f, --force', 'do not ask for confirmation', false)
    .addHelpText('after', `
Runs every step even when one fails and says what it did; running it again is
harmless. The Node object stays in the cluster: delete it from the control plane
(kubectl delete node <name>) when a worker leaves for good.

Examples:
  kubelite reset --force
  kubelite reset --data-dir /tmp/node1 -f`)
    .action(async (o: { dataDir: string; force: boolean }) => {
      const { runReset } = await import('../reset/run-reset.js');
      try {
        const code = await runReset(resolve(o.dataDir), { force: o.force });
        if (code !== 0) process.exit(code);
      } catch (e) {
        process.stderr.write(`kubelite reset: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
