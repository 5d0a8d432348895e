// `kubelite <verb>`: parses flags and hands over to a component's run().
import { Command, CommanderError } from 'commander';
import { registerApiserver } from './commands/apiserver.js';
import { registerProxy } from './commands/proxy.js';
import { registerKubelet } from './commands/kubelet.js';
import { registerControllerManager } from './commands/controller-manager.js';
import { registerScheduler } from './commands/scheduler.js';
import { registerDns } from './commands/dns.js';
import { registerUp } from './commands/up.js';
import { registerDown } from './commands/down.js';
import { registerInit } from './commands/init.js';
import { registerJoin } from './commands/join.js';
import { registerStart } from './commands/start.js';
import { registerReset } from './commands/reset.js';
import { registerVerbs } from './verbs/register.js';

const program = new Command();
program
  .name('kubelite')
  .description('A real, small Kubernetes: run its components, or drive a cluster like kubectl.')
  .version('0.1.0', '--client-version', 'print the kubelite client version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerApiserver(program);
registerProxy(program);
registerKubelet(program);
registerControllerManager(program);
registerScheduler(program);
registerDns(program);
registerUp(program);
registerDown(program);
registerInit(program);
registerJoin(program);
registerStart(program);
registerReset(program);
registerVerbs(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode);
  }
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
