#!/usr/bin/env node
// `npm run bench -- <name> [--quick] [...]`: runs bench/<name>.bench.ts with tsx.
// Each benchmark prints a table and writes bench/results/<name>.json; docs/benchmarks.md lists them.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const [name, ...rest] = process.argv.slice(2);

if (!name || name.startsWith('-')) {
  console.error(`usage: npm run bench -- <name> [--quick]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const file = join(benchDir, `${name}.bench.ts`);
if (!existsSync(file)) {
  console.error(`no benchmark named ${JSON.stringify(name)} (bench/${name}.bench.ts); available: ${available.join(', ')}`);
  process.exit(2);
}
mkdirSync(join(benchDir, 'results'), { recursive: true });
const child = spawn(process.execPath, ['--import', 'tsx', file, ...rest], { cwd: root, stdio: 'inherit', env: { ...process.env, CHAT_LOG_LEVEL: process.env.CHAT_LOG_LEVEL ?? 'warn' } });
// The benchmark cleans up (drops its keyspace, releases shared servers) on SIGINT / SIGTERM before it exits:
// Ctrl-C reaches it directly (same process group), so wait for it; pass a SIGTERM sent to this runner on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
