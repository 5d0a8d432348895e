import type { Command } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_HOST_DATA_DIR } from './init.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Run this host\'s components as set up by kubelite init or kubelite join (from <data-dir>/host.json).')
    .option('--data-dir <dir>', 'the data dir given to init/join', DEFAULT_HOST_DATA_DIR)
    .option('-d, --detach', 'fork the supervisor into the background and return', false)
    .addHelpText('after', `
A second start while the supervisor runs does nothing. Hosts set up with systemd
units are started with systemctl. Each component logs to <data-dir>/logs/<component>.log
and is restarted with backoff when it dies; \`kubelite reset\` stops everything.

Examples:
  kubelite start --detach
  kubelite start --data-dir /var/lib/kubelite     # foreground, Ctrl-C stops`)
    .action(async (o: { dataDir: string; detach: boolean }) => {
      const { runStart } = await import('../start/run-start.js');
      try {
        await runStart(resolve(o.dataDir), { detach: o.detach });
      } catch (e) {
        process.stderr.write(`kubelite start: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
