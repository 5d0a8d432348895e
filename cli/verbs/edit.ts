// `kubelite edit`: the object in $KUBE_EDITOR/$EDITOR (default vi) as YAML or
// JSON, PUT back with its resourceVersion; a rejected save reopens the editor
// with the error on top, like kubectl.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ApiError, isApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import { newVerb, verbAction, out, err } from './context.js';
import { CliError, formatApiError } from './errors.js';
import { toJson, toYaml } from './output.js';
import { withoutManagedFields } from '../../api/meta.js';
import { parseSingle } from './resources.js';
import { kindPrefix } from './table.js';

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

/** Lines starting with `#` go; what is left is the document. */
export function stripComments(text: string): string {
  return text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n').trim();
}

/** The comment kubectl puts above a document it reopens after a failed save. */
export function errorComment(what: string, messages: string[]): string {
  return `# ${what} was not valid:\n${messages.map((m) => `# * ${m.replace(/\n/g, '\n# ')}`).join('\n')}\n#\n`;
}

function runEditor(file: string): Promise<void> {
  const editor = process.env.KUBE_EDITOR || process.env.EDITOR || 'vi';
  return new Promise((resolve, reject) => {
    // through the shell, so EDITOR may carry arguments ("code -w")
    const child = spawn('sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new CliError(`there was a problem with the editor "${editor}"`))));
  });
}

export function registerEdit(program: Command): void {
  newVerb(program, 'edit', 'Edit a resource on the server')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .option('-o, --output <format>', 'yaml or json: the format to edit in', 'yaml')
    .addHelpText('after', `
Examples:
  kubelite edit deploy/web
  KUBE_EDITOR=nano kubelite edit svc web
  kubelite edit cm settings -o json`)
    .action(verbAction(async (ctx, args, opts) => {
      const format = (opts as { output: string }).output;
      if (format !== 'yaml' && format !== 'json') throw new CliError(`the edit mode must be 'yaml' or 'json', not ${JSON.stringify(format)}`);
      const { info, name } = parseSingle(args, 'edit');
      const ns = info.namespaced ? ctx.namespace : undefined;
      const live = await ctx.client.get(info, ns, name);
      const label = `${kindPrefix(info.kind, info.group)}/${name}`;
      const what = `${info.group ? `${info.resource}.${info.group}` : info.resource} ${JSON.stringify(name)}`;
      const serialize = (o: KubeObject) => (format === 'json' ? toJson(o) : toYaml(o));
      const dir = await mkdtemp(join(tmpdir(), 'kubelite-edit-'));
      const file = join(dir, `${info.resource}-${name}.${format}`);
      try {
        let body = serialize(withoutManagedFields({ apiVersion: live.apiVersion ?? `${info.group ? `${info.group}/` : ''}${info.version}`, kind: live.kind ?? info.kind, ...live }));
        const original = stripComments(body);
        let comment = '';
        for (let round = 0; ; round++) {
          await writeFile(file, HEADER + comment + body);
          await runEditor(file);
          const text = await readFile(file, 'utf8');
          const edited = stripComments(text);
          if (edited === '') {
            out('Edit cancelled, no valid changes were saved.\n');
            return;
          }
          if (edited === stripComments(body)) {
            if (round === 0 || edited === original) {
              out('Edit cancelled, no changes made.\n');
              return;
            }
            throw new CliError('Edit cancelled, no valid changes were saved.');
          }
          body = `${edited}\n`;
          let obj: KubeObject;
          try {
            const parsed: unknown = format === 'json' ? JSON.parse(edited) : parseYaml(edited);
            if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the edited file is not an object');
            obj = parsed as KubeObject;
          } catch (e) {
            comment = errorComment(what, [`error converting ${format.toUpperCase()} to JSON: ${(e as Error).message.split('\n')[0]}`]);
            continue;
          }
          try {
            await ctx.client.update(info, ns, obj);
            out(`${label} edited\n`);
            return;
          } catch (e) {
            if (!isApiError(e)) throw e;
            comment = errorComment(what, messagesOf(e));
            if (e.code === 409 && e.reason === 'Conflict') {
              // keep the user's changes; the next save is against the latest version
              const latest = await ctx.client.get(info, ns, name);
              obj.metadata = { ...obj.metadata, resourceVersion: latest.metadata.resourceVersion };
              body = serialize(obj);
            }
            err(`${formatApiError(e)}\n`);
          }
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }));
}

function messagesOf(e: ApiError): string[] {
  const causes = e.status.details?.causes ?? [];
  if (e.reason === 'Invalid' && causes.length) return causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : c.message ?? ''));
  return [e.message];
}

