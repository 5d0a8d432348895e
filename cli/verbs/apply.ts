// `kubelite apply -f`: client-side apply with the last-applied-configuration
// annotation (create, or a three-way strategic merge patch), or `--server-side`.
import type { Command } from 'commander';
import { isApiError, isConflict, isNotFound } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { resourcePath } from '../../client/paths.js';
import type { RestClient } from '../../client/rest.js';
import { LAST_APPLIED, threeWayMergePatch, withLastApplied, type JsonMap } from './apply-patch.js';
import { newVerb, verbAction, out, err, type CliContext } from './context.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { collect } from './flags.js';
import { readManifests } from './manifests.js';
import { printResult } from './output.js';
import { infoForObject } from './resources.js';

interface ApplyFlags {
  filename: string[];
  recursive?: boolean;
  output?: string;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  dryRun?: string;
}

export function registerApply(program: Command): void {
  newVerb(program, 'apply', 'Apply a configuration to a resource by file name or stdin')
    .option('-f, --filename <file>', 'file, directory, URL or - (stdin) with the configuration (repeatable)', collect, [])
    .option('-R, --recursive', 'process directories given with -f recursively')
    .option('-o, --output <format>', 'output format: yaml|json|name|...')
    .option('--server-side', 'apply on the server (server-side apply, field ownership)')
    .option('--force-conflicts', 'with --server-side: take over fields other managers own')
    .option('--field-manager <name>', 'name of the manager tracking field ownership', 'kubelite')
    .option('--dry-run <mode>', 'none|client|server: only show what would happen')
    .addHelpText('after', `
Examples:
  kubelite apply -f deploy.yaml
  kubelite apply -f manifests/ -R
  cat pod.json | kubelite apply -f -
  kubelite apply --server-side -f deploy.yaml --force-conflicts`)
    .action(verbAction(async (ctx, _args, opts) => runApply(ctx, opts as unknown as ApplyFlags)));
}

/** The namespace an object goes to: its own, else -n/the context's; a mismatch with -n fails like kubectl. */
export function namespaceFor(ctx: CliContext, info: ResourceInfo, obj: KubeObject): string | undefined {
  if (!info.namespaced) return undefined;
  const own = obj.metadata.namespace;
  if (own && ctx.namespaceExplicit && own !== ctx.namespace) {
    throw new CliError(`the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || ctx.namespace;
}

async function runApply(ctx: CliContext, f: ApplyFlags): Promise<void> {
  if (f.filename.length === 0) throw new CliError('must specify one of -f and -k');
  const dryRun = parseDryRun(f.dryRun);
  const manifests = await readManifests(f.filename, !!f.recursive, 'apply');
  const errors: string[] = [];
  for (const { obj, source } of manifests) {
    try {
      const info = infoForObject(obj, source);
      const ns = namespaceFor(ctx, info, obj);
      if (ns) obj.metadata.namespace = ns;
      if (!obj.metadata.name) throw new CliError(`error when retrieving current configuration of:\nResource: "${info.resource}", Name: "", Namespace: "${ns ?? ''}"\nfrom server for: "${obj.kind}": resource name may not be empty`);
      const { result, verb } = f.serverSide
        ? await serverSideApply(ctx.client, info, ns, obj, f, dryRun === 'server')
        : await clientSideApply(ctx.client, info, ns, obj, dryRun);
      out(printResult(result, verb, f.output, dryRun !== undefined));
    } catch (e) {
      if (!isApiError(e)) throw e;
      errors.push(formatError(e));
    }
  }
  if (errors.length) {
    err(errors.map((e) => `${e}\n`).join(''));
    throw new ExitCode(1);
  }
}

export function parseDryRun(v: string | undefined): 'client' | 'server' | undefined {
  if (v === undefined || v === 'none' || v === 'false') return undefined;
  if (v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  throw new CliError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

async function serverSideApply(
  client: RestClient, info: ResourceInfo, ns: string | undefined, obj: KubeObject, f: ApplyFlags, dryRun: boolean,
): Promise<{ result: KubeObject; verb: string }> {
  const result = await client.request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(info, ns, obj.metadata.name),
    query: { fieldManager: f.fieldManager ?? 'kubelite', force: f.forceConflicts ? true : false, dryRun: dryRun ? 'All' : undefined },
    body: JSON.stringify(obj),
    contentType: 'application/apply-patch+yaml',
  });
  return { result, verb: 'serverside-applied' };
}

async function clientSideApply(
  client: RestClient, info: ResourceInfo, ns: string | undefined, obj: KubeObject, dryRun: 'client' | 'server' | undefined,
): Promise<{ result: KubeObject; verb: string }> {
  const { modified } = withLastApplied(obj as unknown as JsonMap);
  for (let attempt = 0; ; attempt++) {
    let live: KubeObject;
    try {
      live = await client.get(info, ns, obj.metadata.name as string);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      if (dryRun === 'client') return { result: modified as unknown as KubeObject, verb: 'created' };
      const created = await client.create(info, ns, modified as unknown as KubeObject, {
        fieldManager: 'kubectl-client-side-apply', dryRun: dryRun === 'server',
      });
      return { result: created, verb: 'created' };
    }
    const lastText = live.metadata.annotations?.[LAST_APPLIED];
    let original: JsonMap = {};
    if (lastText) {
      try {
        original = JSON.parse(lastText) as JsonMap;
      } catch {
        original = {};
      }
    } else {
      err(`Warning: resource ${info.resource}/${obj.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubelite apply. ` +
        `kubelite apply should only be used on resources created declaratively by either kubelite create --save-config or kubelite apply. The missing annotation will be patched automatically.\n`);
    }
    const patch = threeWayMergePatch(original, modified, live as unknown as JsonMap, obj.kind);
    if (Object.keys(patch).length === 0) return { result: live, verb: 'unchanged' };
    if (dryRun === 'client') return { result: live, verb: 'configured' };
    try {
      const patched = await client.patch<KubeObject>(info, ns, obj.metadata.name as string, patch, 'strategic', {
        fieldManager: 'kubectl-client-side-apply', dryRun: dryRun === 'server',
      });
      return { result: patched, verb: 'configured' };
    } catch (e) {
      // someone wrote in between: recompute from the fresh object, as kubectl does
      if (isConflict(e) && attempt < 4) continue;
      throw e;
    }
  }
}
