// `kubelite create -f` and the `create <kind>` generators.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { isApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import { withLastApplied, type JsonMap } from './apply-patch.js';
import { parseDryRun, namespaceFor as targetNamespace } from './apply.js';
import { addGlobalFlags, verbAction, withExamples, out, err, type CliContext } from './context.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { collect, intFlag } from './flags.js';
import {
  configMapFor, deploymentFor, generatedMeta, jobFor, namespaceFor, parseKeyValues, parseTcpPorts, secretFor, serviceFor, type ServiceType,
} from './generators.js';
import { readManifests } from './manifests.js';
import { printResult } from './output.js';
import { infoForObject, resolveType } from './resources.js';

interface CommonFlags {
  output?: string;
  dryRun?: string;
  saveConfig?: boolean;
}

/** Sends a generated or read object: POST, or only print it with --dry-run=client. */
export async function createObject(ctx: CliContext, obj: KubeObject, f: CommonFlags, source = ''): Promise<void> {
  const info = infoForObject(obj, source);
  const ns = targetNamespace(ctx, info, obj);
  // kubectl writes the namespace into the object only when -n was given
  if (ns && (ctx.namespaceExplicit || obj.metadata.namespace)) obj.metadata.namespace = ns;
  const dryRun = parseDryRun(f.dryRun);
  let body = obj;
  if (f.saveConfig) body = withLastApplied(obj as unknown as JsonMap).modified as unknown as KubeObject;
  if (dryRun === 'client') {
    out(printResult(body, 'created', f.output, true));
    return;
  }
  const created = await ctx.client.create(info, ns, forServer(body), { dryRun: dryRun === 'server' });
  out(printResult(created, 'created', f.output, dryRun !== undefined));
}

/** Generators write `creationTimestamp: null` like kubectl's; the server needs none of it. */
function forServer(obj: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  const drop = (m: unknown) => {
    if (m && typeof m === 'object' && (m as Record<string, unknown>).creationTimestamp === null) delete (m as Record<string, unknown>).creationTimestamp;
  };
  drop(copy.metadata);
  const spec = copy.spec as { template?: { metadata?: unknown }; jobTemplate?: { metadata?: unknown } } | undefined;
  drop(spec?.template?.metadata);
  drop(spec?.jobTemplate?.metadata);
  return copy;
}

function addWriteFlags(cmd: Command): Command {
  return cmd
    .option('-o, --output <format>', 'output format: yaml|json|name|...')
    .option('--dry-run <mode>', 'none|client|server: only show what would be created')
    .option('--save-config', 'store the configuration in the last-applied annotation, for later apply');
}

function sub(parent: Command, nameAndArgs: string, description: string): Command {
  return addWriteFlags(addGlobalFlags(parent.command(nameAndArgs).description(description)));
}

export function registerCreate(program: Command): void {
  const create = addWriteFlags(addGlobalFlags(program.command('create').description('Create a resource from a file or from stdin, or with a generator')))
    .enablePositionalOptions()
    .option('-f, --filename <file>', 'file, directory, URL or - with the objects to create', collect, [])
    .option('-R, --recursive', 'process directories given with -f recursively')
    .addHelpText('after', `
Examples:
  kubelite create -f pod.yaml
  kubelite create deployment web --image=nginx --replicas=3 --port=80
  kubelite create service nodeport web --tcp=80:8080
  kubelite create configmap cfg --from-literal=mode=prod --from-file=app.conf
  kubelite create secret generic creds --from-literal=password=s3cret
  kubelite create namespace team-a
  kubelite create job once --image=busybox -- echo hello`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as CommonFlags & { filename: string[]; recursive?: boolean };
      if (args.length) throw new CliError(`unknown command "${args[0]}" for "kubelite create"`);
      if (f.filename.length === 0) throw new CliError('must specify one of -f and -k');
      const errors: string[] = [];
      for (const m of await readManifests(f.filename, !!f.recursive, 'create')) {
        try {
          await createObject(ctx, m.obj, f, m.source);
        } catch (e) {
          if (!isApiError(e)) throw e;
          errors.push(formatError(e));
        }
      }
      if (errors.length) {
        err(errors.map((e) => `${e}\n`).join(''));
        throw new ExitCode(1);
      }
    }));

  withExamples(sub(create, 'deployment <name>', 'Create a deployment with the specified name'), 'kubelite create deployment web --image=nginx', 'kubelite create deployment web --image=nginx --replicas=3 --port=80', 'kubelite create deployment job --image=busybox -- date')
    .alias('deploy')
    .option('--image <image>', 'image for a container (repeatable)', collect, [])
    .option('-r, --replicas <n>', 'number of replicas', intFlag('replicas'), 1)
    .option('--port <port>', 'the port the container exposes', intFlag('port'))
    .argument('[command...]', 'command for the container, after --')
    .action(verbAction(async (ctx, args, opts) => {
      const o = opts as unknown as CommonFlags & { image: string[]; replicas: number; port?: number };
      if (o.image.length === 0) throw new CliError('required flag(s) "image" not set');
      const [name, ...command] = args;
      await createObject(ctx, deploymentFor({ name, images: o.image, replicas: o.replicas, port: o.port, command }), o);
    }));

  const service = withExamples(create.command('service').alias('svc').description('Create a service using a specified subcommand').enablePositionalOptions(),
    'kubelite create service clusterip web --tcp=80:8080', 'kubelite create service nodeport web --tcp=80:8080 --node-port=30080');
  const serviceTypes: Array<[string, ServiceType]> = [['clusterip', 'ClusterIP'], ['nodeport', 'NodePort'], ['loadbalancer', 'LoadBalancer']];
  for (const [sc, type] of serviceTypes) {
    const cmd = withExamples(sub(service, `${sc} <name>`, `Create a ${type} service`), `kubelite create service ${sc} web --tcp=80:8080`)
      .option('--tcp <port:targetPort>', 'port pairs (repeatable)', collect, []);
    if (type === 'ClusterIP') cmd.option('--clusterip <ip>', 'assign your own ClusterIP or "None" for a headless service');
    if (type === 'NodePort') cmd.option('--node-port <port>', 'port on every node', intFlag('node-port'));
    cmd.action(verbAction(async (ctx, args, opts) => {
      const o = opts as unknown as CommonFlags & { tcp: string[]; clusterip?: string; nodePort?: number };
      const ports = parseTcpPorts(o.tcp);
      if (ports.length === 0 && o.clusterip !== 'None') throw new CliError('at least one tcp port specifier must be provided');
      if (o.nodePort && ports[0]) ports[0].nodePort = o.nodePort;
      await createObject(ctx, serviceFor({ name: args[0], type, ports, clusterIP: o.clusterip }), o);
    }));
  }
  withExamples(sub(service, 'externalname <name>', 'Create an ExternalName service'), 'kubelite create service externalname db --external-name=db.example.com')
    .requiredOption('--external-name <name>', 'external name of the service')
    .option('--tcp <port:targetPort>', 'port pairs (repeatable)', collect, [])
    .action(verbAction(async (ctx, args, opts) => {
      const o = opts as unknown as CommonFlags & { tcp: string[]; externalName: string };
      await createObject(ctx, serviceFor({ name: args[0], type: 'ExternalName', ports: parseTcpPorts(o.tcp), externalName: o.externalName }), o);
    }));

  withExamples(sub(create, 'configmap <name>', 'Create a config map from files, directories or literal values'), 'kubelite create configmap cfg --from-literal=mode=prod', 'kubelite create configmap cfg --from-file=app.conf --from-file=conf.d/')
    .alias('cm')
    .option('--from-literal <key=value>', 'a literal key and value (repeatable)', collect, [])
    .option('--from-file <[key=]source>', 'a file, or a directory of files (repeatable)', collect, [])
    .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collect, [])
    .action(verbAction(async (ctx, args, opts) => {
      const o = opts as unknown as CommonFlags & { fromLiteral: string[]; fromFile: string[]; fromEnvFile: string[] };
      const data = await collectData(o.fromLiteral, o.fromFile, o.fromEnvFile);
      const text: Record<string, string> = {};
      const binary: Record<string, string> = {};
      for (const [k, v] of Object.entries(data)) {
        const s = v.toString('utf8');
        if (Buffer.from(s, 'utf8').equals(v)) text[k] = s;
        else binary[k] = v.toString('base64');
      }
      await createObject(ctx, configMapFor(args[0], text, binary), o);
    }));

  const secret = withExamples(create.command('secret').description('Create a secret using a specified subcommand').enablePositionalOptions(),
    'kubelite create secret generic creds --from-literal=password=s3cret');
  withExamples(sub(secret, 'generic <name>', 'Create a secret from a local file, directory or literal value'), 'kubelite create secret generic creds --from-literal=password=s3cret', 'kubelite create secret generic tls --from-file=tls.crt --from-file=tls.key')
    .option('--from-literal <key=value>', 'a literal key and value (repeatable)', collect, [])
    .option('--from-file <[key=]source>', 'a file, or a directory of files (repeatable)', collect, [])
    .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collect, [])
    .option('--type <type>', 'the type of secret (default Opaque)')
    .action(verbAction(async (ctx, args, opts) => {
      const o = opts as unknown as CommonFlags & { fromLiteral: string[]; fromFile: string[]; fromEnvFile: string[]; type?: string };
      await createObject(ctx, secretFor(args[0], await collectData(o.fromLiteral, o.fromFile, o.fromEnvFile), o.type), o);
    }));

  withExamples(sub(create, 'namespace <name>', 'Create a namespace with the specified name'), 'kubelite create namespace team-a')
    .alias('ns')
    .action(verbAction(async (ctx, args, opts) => createObject(ctx, namespaceFor(args[0]), opts as CommonFlags)));

  withExamples(sub(create, 'serviceaccount <name>', 'Create a service account with the specified name'), 'kubelite create serviceaccount builder')
    .alias('sa')
    .action(verbAction(async (ctx, args, opts) => createObject(ctx, {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: generatedMeta(args[0]),
    }, opts as CommonFlags)));

  withExamples(sub(create, 'job <name>', 'Create a job with the specified name'), 'kubelite create job once --image=busybox -- echo hello', 'kubelite create job manual-run --from=cronjob/nightly')
    .option('--image <image>', 'image name to run')
    .option('--from <cronjob/name>', 'the cronjob to create the job from')
    .argument('[command...]', 'command for the container, after --')
    .action(verbAction(async (ctx, args, opts) => {
      const o = opts as unknown as CommonFlags & { image?: string; from?: string };
      const [name, ...command] = args;
      if (o.from) {
        const [type, cj] = o.from.split('/');
        if (!cj || resolveType(type).resource !== 'cronjobs') throw new CliError(`from must be an existing cronjob: ${o.from}`);
        const cron = await ctx.client.get(resolveType('cronjobs'), ctx.namespace, cj);
        const tmpl = ((cron.spec as { jobTemplate?: { metadata?: Record<string, unknown>; spec?: unknown } }).jobTemplate) ?? {};
        const job: KubeObject = {
          apiVersion: 'batch/v1', kind: 'Job',
          metadata: {
            name, annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...((tmpl.metadata?.annotations as Record<string, string>) ?? {}) },
            labels: (tmpl.metadata?.labels as Record<string, string>) ?? undefined,
            ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj, uid: cron.metadata.uid ?? '', controller: true }],
          },
          spec: tmpl.spec,
        };
        await createObject(ctx, job, o);
        return;
      }
      if (!o.image) throw new CliError('either --image or --from must be specified');
      await createObject(ctx, jobFor(name, o.image, command), o);
    }));
}

/** --from-literal / --from-file / --from-env-file into key → bytes, like kubectl. */
export async function collectData(literals: string[], files: string[], envFiles: string[]): Promise<Record<string, Buffer>> {
  const data: Record<string, Buffer> = {};
  const put = (k: string, v: Buffer) => {
    if (Object.hasOwn(data, k)) throw new CliError(`cannot add key ${k}, another key by that name already exists in Data for ConfigMap`);
    data[k] = v;
  };
  for (const [k, v] of Object.entries(parseKeyValues(literals, 'literal'))) put(k, Buffer.from(v));
  for (const spec of files) {
    const eq = spec.indexOf('=');
    const key = eq > 0 ? spec.slice(0, eq) : undefined;
    const path = eq > 0 ? spec.slice(eq + 1) : spec;
    let st;
    try {
      st = await stat(path);
    } catch {
      throw new CliError(`error reading ${path}: no such file or directory`);
    }
    if (st.isDirectory()) {
      if (key) throw new CliError(`cannot give a key name for a directory path`);
      for (const entry of await readdir(path, { withFileTypes: true })) {
        if (entry.isFile()) put(entry.name, await readFile(join(path, entry.name)));
      }
    } else {
      put(key ?? basename(path), await readFile(path));
    }
  }
  for (const file of envFiles) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const l = line.trim();
      if (l === '' || l.startsWith('#')) continue;
      const eq = l.indexOf('=');
      if (eq <= 0) throw new CliError(`invalid env file line: ${JSON.stringify(l)}`);
      put(l.slice(0, eq), Buffer.from(l.slice(eq + 1)));
    }
  }
  return data;
}
