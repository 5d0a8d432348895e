// Printing objects for `-o`: yaml, json, name, jsonpath=, custom-columns=, and
// kubectl's action lines (`deployment.apps/web created`).
import { readFileSync } from 'node:fs';
import { stringify as stringifyYaml } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { findByKind } from '../../api/resources.js';
import { customColumnRows, parseCustomColumns, parseCustomColumnsFile, type CustomColumn } from './custom-columns.js';
import { CliError } from './errors.js';
import { executeJsonPath, parseJsonPath, sortKeys, type JsonPathTemplate } from './jsonpath.js';
import { formatRows } from './tabwriter.js';
import { kindPrefix } from './table.js';

export type OutputFormat =
  | { t: 'table'; wide: boolean }
  | { t: 'yaml' }
  | { t: 'json' }
  | { t: 'name' }
  | { t: 'jsonpath'; template: JsonPathTemplate }
  | { t: 'custom-columns'; columns: CustomColumn[] };

const ALLOWED = 'custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, name, template, templatefile, wide, yaml';

/** Parses `-o`; undefined means the human-readable table. */
export function parseOutputFormat(o: string | undefined): OutputFormat {
  if (o === undefined || o === '') return { t: 'table', wide: false };
  if (o === 'wide') return { t: 'table', wide: true };
  if (o === 'yaml') return { t: 'yaml' };
  if (o === 'json') return { t: 'json' };
  if (o === 'name') return { t: 'name' };
  const eq = o.indexOf('=');
  const kind = eq < 0 ? o : o.slice(0, eq);
  const arg = eq < 0 ? '' : o.slice(eq + 1);
  switch (kind) {
    case 'jsonpath':
    case 'template':
      if (!arg) throw new CliError('template format specified but no template given');
      return { t: 'jsonpath', template: parseJsonPath(arg) };
    case 'jsonpath-file':
      return { t: 'jsonpath', template: parseJsonPath(readFileSync(arg, 'utf8')) };
    case 'custom-columns':
      return { t: 'custom-columns', columns: parseCustomColumns(arg) };
    case 'custom-columns-file':
      return { t: 'custom-columns', columns: parseCustomColumnsFile(readFileSync(arg, 'utf8')) };
    default:
      throw new CliError(`unable to match a printer suitable for the output format "${o}", allowed formats are: ${ALLOWED}`);
  }
}

/** YAML as kubectl writes it: sorted keys, unindented sequences, YAML 1.1 quoting. */
export function toYaml(v: unknown): string {
  return stringifyYaml(v, { sortMapEntries: true, indentSeq: false, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false });
}

/** JSON as kubectl writes it: four-space indent, sorted keys. */
export function toJson(v: unknown): string {
  return `${JSON.stringify(sortKeys(v), null, 4)}\n`;
}

/** `deployment.apps/web`, `pod/p1`. */
export function objectName(obj: KubeObject): string {
  const { group, kind } = groupKindOf(obj);
  return `${kindPrefix(kind, group)}/${obj.metadata?.name ?? ''}`;
}

export function groupKindOf(obj: { apiVersion?: string; kind?: string }): { group: string; kind: string } {
  const av = obj.apiVersion ?? '';
  const i = av.indexOf('/');
  return { group: i < 0 ? '' : av.slice(0, i), kind: obj.kind ?? '' };
}

/** Server lists may leave items without apiVersion/kind: fill them in from the list. */
export function itemsWithKind(list: { apiVersion?: string; kind?: string; items?: KubeObject[] }): KubeObject[] {
  const kind = (list.kind ?? '').replace(/List$/, '');
  return (list.items ?? []).map((it) => ({ apiVersion: it.apiVersion ?? list.apiVersion, kind: it.kind ?? kind, ...it }));
}

/** A `kind: List` wrapping several objects, as kubectl prints them with -o yaml/json. */
export function asList(objs: KubeObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items: objs, kind: 'List', metadata: { resourceVersion: '' } };
}

/**
 * Text for objects in a non-table format. `single` says the user asked for exactly
 * one object by name, which kubectl prints bare instead of inside a List.
 */
export function formatObjects(objs: KubeObject[], format: Exclude<OutputFormat, { t: 'table' }>, single: boolean): string {
  const data = single && objs.length === 1 ? objs[0] : asList(objs);
  switch (format.t) {
    case 'yaml':
      return toYaml(data);
    case 'json':
      return toJson(data);
    case 'name':
      return objs.map((o) => `${objectName(o)}\n`).join('');
    case 'jsonpath':
      return executeJsonPath(format.template, data);
    case 'custom-columns':
      return formatRows(customColumnRows(format.columns, objs));
  }
}

/** Without apiVersion/kind (e.g. from a Table row), a ResourceInfo names the kind. */
export function qualifiedKind(apiVersion: string, kind: string): string {
  const info = findByKind(apiVersion, kind);
  return info ? kindPrefix(info.kind, info.group) : kind.toLowerCase();
}

/** `deployment.apps/web created` (`-o name` prints only the name). */
export function actionLine(obj: KubeObject, verb: string, outputName = false, dryRun = false): string {
  if (outputName) return `${objectName(obj)}\n`;
  return `${objectName(obj)} ${verb}${dryRun ? ' (dry run)' : ''}\n`;
}

/** For create/apply/run etc. with -o: the object itself, or the action line. */
export function printResult(obj: KubeObject, verb: string, output: string | undefined, dryRun = false): string {
  if (!output) return actionLine(obj, verb, false, dryRun);
  const format = parseOutputFormat(output);
  if (format.t === 'table') return actionLine(obj, verb, false, dryRun);
  return formatObjects([obj], format, true);
}
