// PodExecOptions from the query string of .../pods/{name}/exec.
import { errors } from '../../api/errors.js';
import { parseBool } from './log-query.js';

export interface ExecQuery {
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseExecQuery(q: URLSearchParams): ExecQuery {
  const command = q.getAll('command');
  if (!command.length) throw errors.badRequest('you must specify at least 1 command');
  const o: ExecQuery = {
    container: q.get('container') || undefined,
    command,
    stdin: parseBool(q.get('stdin')),
    // kubectl always sends these; an absent stdout means the default, which is true
    stdout: q.has('stdout') ? parseBool(q.get('stdout')) : true,
    stderr: q.has('stderr') ? parseBool(q.get('stderr')) : true,
    tty: parseBool(q.get('tty')),
  };
  if (!o.stdin && !o.stdout && !o.stderr) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (o.tty) o.stderr = false; // a terminal merges stderr into stdout
  return o;
}
