import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { parseDuration } from './controller-manager.js';
import { DEFAULT_DATA_DIR } from './up.js';

export function registerDown(program: Command): void {
  program
    .command('down')
    .description('Stop the cluster `kubelite up` started; --purge also removes its containers, rules, routes and data.')
    .option('--data-dir <dir>', 'the cluster\'s data dir (as given to kubelite up)', DEFAULT_DATA_DIR)
    .option('--purge', 'also remove the node\'s containers and pod network, the kubelet\'s routes and chains, the proxy\'s tables/chains/bridge, the data dir and the kubeconfig context', false)
    .addOption(new Option('--timeout <d>', 'how long the supervisor gets to stop the components before they are SIGKILLed').argParser(parseDuration).default(60_000, '60s'))
    .addHelpText('after', `
Plain down keeps pods' containers running; the next kubelite up adopts them.

Examples:
  kubelite down
  kubelite down --purge
  kubelite down --data-dir /tmp/dev --purge`)
    .action(async (o: { dataDir: string; purge: boolean; timeout: number }) => {
      const { runDown } = await import('../up/run-down.js');
      const code = await runDown(resolve(o.dataDir), { purge: o.purge, timeoutMs: o.timeout });
      if (code !== 0) process.exit(code);
    });
}
