// Every kubectl-like verb of `kubelite`, added to the root command.
import type { Command } from 'commander';
import { commandTree, hoistGlobalFlags } from './context.js';
import { registerGet } from './get.js';
import { registerDescribe } from './describe.js';
import { registerApply } from './apply.js';
import { registerCreate } from './create.js';
import { registerDelete } from './delete.js';
import { registerRun } from './run.js';
import { registerExpose } from './expose.js';
import { registerScale } from './scale.js';
import { registerRollout } from './rollout.js';
import { registerSetImage } from './set-image.js';
import { registerLabel } from './label.js';
import { registerCordonDrain } from './cordon-drain.js';
import { registerEdit } from './edit.js';
import { registerLogs } from './logs.js';
import { registerExec } from './exec.js';
import { registerPortForward } from './port-forward.js';
import { registerTop } from './top.js';
import { registerClusterInfo } from './cluster-info.js';
import { registerConfig } from './config.js';
import { registerCompletion } from './completion.js';
import { registerImage } from './image-load.js';
import { registerToken } from './token.js';

const REGISTRARS: Array<(program: Command) => void> = [
  registerGet,
  registerDescribe,
  registerApply,
  registerCreate,
  registerDelete,
  registerRun,
  registerExpose,
  registerScale,
  registerRollout,
  registerSetImage,
  registerLabel,
  registerCordonDrain,
  registerEdit,
  registerLogs,
  registerExec,
  registerPortForward,
  registerTop,
  registerClusterInfo,
  registerConfig,
  registerCompletion,
  registerImage,
  registerToken,
];

export function registerVerbs(program: Command): void {
  const before = new Set(program.commands.map((c) => c.name()));
  for (const r of REGISTRARS) r(program);
  const verbs = commandTree(program.commands.filter((c) => !before.has(c.name())));
  // Root options only before the verb: a verb then gets its arguments verbatim,
  // including `--` (exec, run), and keeps its own -n/-c/-f.
  program.enablePositionalOptions();
  const hoisted = hoistGlobalFlags(process.argv, verbs);
  if (hoisted !== process.argv) process.argv.splice(0, process.argv.length, ...hoisted);
}
