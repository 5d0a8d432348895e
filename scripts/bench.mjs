#!/usr/bin/env node
// `npm run bench -- <name>` runs dist/bench/<name>.js (after `make build`).
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
const dir = join(root, 'dist', 'bench');
const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js') && !f.startsWith('lib')).map((f) => f.slice(0, -3)) : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|') || 'name'}>  (run 'make build' first)`);
  process.exit(2);
}
const r = spawnSync(process.execPath, [join(dir, `${name}.js`), ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
