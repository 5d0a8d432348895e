// `kubelite run`: a Pod labelled `run=<name>` like kubectl (or, with --replicas,
// a Deployment), optionally exposed by a Service.
import type { Command } from 'commander';
import { newVerb, verbAction } from './context.js';
import { createObject } from './create.js';
import { CliError } from './errors.js';
import { collect, intFlag } from './flags.js';
import { parseKeyValues, podFor, runDeploymentFor, serviceFor } from './generators.js';

interface RunFlags {
  image?: string;
  replicas?: number;
  port?: number;
  env: string[];
  labels: string[];
  command?: boolean;
  restart?: string;
  imagePullPolicy?: string;
  expose?: boolean;
  output?: string;
  dryRun?: string;
}

export function registerRun(program: Command): void {
  newVerb(program, 'run', 'Run a particular image on the cluster')
    .argument('<name>', 'name of the pod')
    .argument('[args...]', 'arguments for the image (or the command, with --command), after --')
    .option('--image <image>', 'the container image to run')
    .option('--replicas <n>', 'create a Deployment with this many replicas instead of a Pod', intFlag('replicas'))
    .option('--port <port>', 'the port the container exposes', intFlag('port'))
    .option('--env <K=V>', 'environment variable (repeatable)', collect, [])
    .option('-l, --labels <k=v,...>', 'labels for the pod (replaces run=<name>)', collect, [])
    .option('--command', 'the arguments after -- are the command, not arguments to the entrypoint')
    .option('--restart <policy>', 'Always, OnFailure or Never')
    .option('--image-pull-policy <policy>', 'Always, IfNotPresent or Never')
    .option('--expose', 'also create a ClusterIP service on --port')
    .option('-o, --output <format>', 'output format: yaml|json|name|...')
    .option('--dry-run <mode>', 'none|client|server: only show what would be created')
    .addHelpText('after', `
Examples:
  kubelite run web --image=nginx --port=80
  kubelite run web --image=nginx --replicas=3 --labels=app=web,tier=front
  kubelite run job1 --image=busybox --restart=Never --command -- sh -c 'echo hi'
  kubelite run web --image=nginx --port=80 --expose`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as RunFlags;
      const [name, ...rest] = args;
      if (!f.image) throw new CliError('required flag(s) "image" not set');
      if (f.restart && !['Always', 'OnFailure', 'Never'].includes(f.restart)) throw new CliError(`invalid restart policy: ${f.restart}`);
      const labels = f.labels.length ? parseKeyValues(f.labels, 'labels') : undefined;
      const env = parseKeyValues(f.env, 'env');
      const base = { name, image: f.image, labels, env, port: f.port, args: rest, command: f.command, restart: f.restart, imagePullPolicy: f.imagePullPolicy };
      const obj = f.replicas !== undefined ? runDeploymentFor({ ...base, replicas: f.replicas }) : podFor(base);
      if (f.expose) {
        if (f.port === undefined) throw new CliError('--port must be set when exposing a service');
        const selector = labels ?? { run: name };
        const svc = serviceFor({ name, type: 'ClusterIP', ports: [{ port: f.port, targetPort: f.port, protocol: 'TCP' }], selector, labels: null });
        // like kubectl's: no labels, the type left to the server
        delete (svc.spec as { type?: unknown }).type;
        await createObject(ctx, svc, f);
      }
      await createObject(ctx, obj, f);
    }));
}
