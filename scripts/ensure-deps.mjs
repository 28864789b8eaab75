// Installs the workspace's npm dependencies when they are missing or older
// than package-lock.json, so `npm start` and `npm test` work on a fresh clone.
// Only Node built-ins here: this runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** True when node_modules matches package-lock.json as npm last wrote it. */
function installed() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
}

export function ensureDeps() {
  if (installed()) return;
  const started = Date.now();
  console.log('deps: node_modules is missing or stale; running npm ci (first run takes a few minutes)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`deps: npm ci failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
  console.log(`deps: installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDeps();
