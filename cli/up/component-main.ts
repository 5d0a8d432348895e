// The entry point `kubelite up` starts its components (and its detached
// supervisor) with: the same commands as `kubelite <component>`, without loading
// the kubectl-like verbs, which cost each long-running process ~20 MB it never uses.
import { Command, CommanderError } from 'commander';
import { registerApiserver } from '../commands/apiserver.js';
import { registerControllerManager } from '../commands/controller-manager.js';
import { registerDns } from '../commands/dns.js';
import { registerKubelet } from '../commands/kubelet.js';
import { registerProxy } from '../commands/proxy.js';
import { registerScheduler } from '../commands/scheduler.js';
import { registerUp } from '../commands/up.js';

const program = new Command().name('kubelite').exitOverride();
for (const register of [registerApiserver, registerControllerManager, registerScheduler, registerDns, registerProxy, registerKubelet, registerUp]) {
  register(program);
}
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
