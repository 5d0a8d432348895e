// `kubelite logs`: pods/log of one pod (or the best pod of a workload), or of
// every pod matching -l with each line prefixed by its source.
import type { Command } from 'commander';
import { StringDecoder } from 'node:string_decoder';
import type { Pod } from '../../api/types/index.js';
import { resourcePath } from '../../client/paths.js';
import type { RestClient } from '../../client/rest.js';
import { newVerb, parseDuration, verbAction, out } from './context.js';
import { CliError } from './errors.js';
import { listObjects } from './fetch.js';
import { intFlag } from './flags.js';
import { containerFor, firstPodFor } from './pods-for.js';
import { parsePodish, resolveType } from './resources.js';

interface LogsFlags {
  container?: string;
  follow?: boolean;
  tail: number;
  previous?: boolean;
  timestamps?: boolean;
  since?: string;
  sinceTime?: string;
  limitBytes?: number;
  selector?: string;
  allContainers?: boolean;
  prefix?: boolean;
  maxLogRequests: number;
}

export interface LogSource {
  pod: Pod;
  container: string;
}

/** The query kubectl sends for these flags. */
export function logQuery(f: LogsFlags, container: string): Record<string, string | number | boolean | undefined> {
  return {
    container,
    follow: f.follow || undefined,
    tailLines: f.tail >= 0 ? f.tail : undefined,
    previous: f.previous || undefined,
    timestamps: f.timestamps || undefined,
    sinceSeconds: f.since ? Math.ceil(parseDuration(f.since, 'since') / 1000) : undefined,
    sinceTime: f.sinceTime,
    limitBytes: f.limitBytes,
  };
}

/** Splits a byte stream into whole lines, each prefixed (a partial last line waits for its end). */
export class LinePrefixer {
  private readonly utf8 = new StringDecoder('utf8');
  private pending = '';
  constructor(private readonly prefix: string) {}

  push(chunk: Buffer): string {
    this.pending += this.utf8.write(chunk);
    const nl = this.pending.lastIndexOf('\n');
    if (nl < 0) return '';
    const complete = this.pending.slice(0, nl + 1);
    this.pending = this.pending.slice(nl + 1);
    return complete.split('\n').slice(0, -1).map((l) => `${this.prefix}${l}\n`).join('');
  }

  end(): string {
    const rest = this.pending + this.utf8.end();
    this.pending = '';
    return rest ? `${this.prefix}${rest}\n` : '';
  }
}

async function streamLogs(client: RestClient, src: LogSource, f: LogsFlags, prefix: string | undefined): Promise<void> {
  const res = await client.stream({
    method: 'GET',
    path: resourcePath(resolveType('pods'), src.pod.metadata.namespace, src.pod.metadata.name, 'log'),
    query: logQuery(f, src.container),
    accept: '*/*',
  });
  const lp = prefix === undefined ? undefined : new LinePrefixer(prefix);
  for await (const chunk of res) {
    if (lp) out(lp.push(chunk as Buffer));
    else if (!process.stdout.write(chunk as Buffer)) await new Promise((r) => process.stdout.once('drain', r));
  }
  if (lp) out(lp.end());
}

export function registerLogs(program: Command): void {
  newVerb(program, 'logs', 'Print the logs for a container in a pod')
    .argument('[target]', 'POD | TYPE/NAME')
    .argument('[container]', 'container name (same as -c)')
    .option('-c, --container <name>', 'the container to print logs of')
    .option('-f, --follow', 'keep streaming new lines')
    .option('--tail <n>', 'only the last n lines (-1: all)', intFlag('tail'), -1)
    .option('-p, --previous', 'the logs of the previous instance of the container')
    .option('--timestamps', 'prefix each line with its RFC 3339 timestamp')
    .option('--since <duration>', 'only lines newer than this (e.g. 5s, 2m, 3h)')
    .option('--since-time <time>', 'only lines after this RFC 3339 time')
    .option('--limit-bytes <n>', 'at most this many bytes', intFlag('limit-bytes'))
    .option('-l, --selector <selector>', 'the logs of every pod matching this label selector, each line prefixed')
    .option('--all-containers', 'the logs of every container of the pods')
    .option('--prefix', 'prefix each line with its source ([pod/name/container])')
    .option('--max-log-requests <n>', 'with -l and -f: how many streams to follow at once', intFlag('max-log-requests'), 5)
    .addHelpText('after', `
Examples:
  kubelite logs web-7d4b9c
  kubelite logs -f deploy/web
  kubelite logs web-7d4b9c -c sidecar --tail=20 --timestamps
  kubelite logs -l app=web --all-containers
  kubelite logs web-7d4b9c --previous`)
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as unknown as LogsFlags;
      const ns = ctx.namespace;
      let container = f.container ?? args[1];
      const sources: LogSource[] = [];
      if (f.selector) {
        if (args.length) throw new CliError('only a selector (-l) or a POD name is allowed');
        const pods = (await listObjects<Pod>(ctx.client, resolveType('pods'), ns, { labelSelector: f.selector })).items;
        if (pods.length === 0) {
          process.stderr.write(`No resources found in ${ns} namespace.\n`);
          return;
        }
        if (f.follow && pods.length > f.maxLogRequests) {
          throw new CliError(`you are attempting to follow ${pods.length} log streams, but maximum allowed concurrency is ${f.maxLogRequests}, use --max-log-requests to increase the limit`);
        }
        for (const pod of pods) {
          if (f.allContainers) for (const c of pod.spec.containers) sources.push({ pod, container: c.name });
          else sources.push({ pod, container: containerFor(pod, container, true) });
        }
      } else {
        if (!args[0]) throw new CliError('expected POD or TYPE/NAME is a required argument for the logs command');
        const { info, name } = parsePodish(args[0]);
        const pod = await firstPodFor(ctx.client, info, ns, name);
        if (f.allContainers) {
          for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) sources.push({ pod, container: c.name });
        } else {
          container = containerFor(pod, container);
          sources.push({ pod, container });
        }
      }
      const prefixed = f.prefix || sources.length > 1;
      const prefixOf = (s: LogSource) => (prefixed ? `[pod/${s.pod.metadata.name}/${s.container}] ` : undefined);
      if (f.follow) {
        await Promise.all(sources.map((s) => streamLogs(ctx.client, s, f, prefixOf(s))));
      } else {
        for (const s of sources) await streamLogs(ctx.client, s, f, prefixOf(s));
      }
    }));
}
