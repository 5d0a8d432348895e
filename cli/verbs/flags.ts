// Commander value parsers shared by the verbs.
import { InvalidArgumentError } from 'commander';

/** Repeatable flag: `-f a -f b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Repeatable flag whose values may also be comma-separated. */
export function collectCsv(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}

export function intFlag(name: string): (v: string) => number {
  return (v: string) => {
    if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
}

/** `--flag=true|false` or bare `--flag` (commander passes no value then). */
export function boolFlag(v: string | undefined): boolean {
  if (v === undefined) return true;
  if (/^(true|1|t)$/i.test(v)) return true;
  if (/^(false|0|f)$/i.test(v)) return false;
  throw new InvalidArgumentError(`invalid boolean value "${v}"`);
}
