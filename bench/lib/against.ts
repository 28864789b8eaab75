/**
 * `--against=<git ref>`: runs a benchmark on another commit and on this tree
 * in the same run, alternating, so a change is measured against what it
 * replaces on the same machine at the same load. The other commit is checked
 * out in a git worktree under the system temp dir (kept between runs); its
 * node_modules links to this tree's packages, except the workspace packages,
 * which link to the worktree's own libs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The worktree of `ref` (made on first use), ready to run benchmarks. */
export function worktreeOf(ref: string): string {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]).trim();
  const dir = join(tmpdir(), `chat-bench-${commit.slice(0, 12)}`);
  if (!existsSync(join(dir, 'package.json'))) git(['worktree', 'add', '--detach', '--force', dir, commit]);
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) {
    mkdirSync(join(modules, '@chat'), { recursive: true });
    const rootModules = join(ROOT, 'node_modules');
    for (const entry of readdirSync(rootModules)) {
      if (entry === '@chat') continue;
      symlinkSync(join(rootModules, entry), join(modules, entry));
    }
    // Workspace packages are relative links (../../libs/x): the same link inside the worktree points at its own copy.
    for (const entry of readdirSync(join(rootModules, '@chat'))) symlinkSync(readlinkSync(join(rootModules, '@chat', entry)), join(modules, '@chat', entry));
  }
  return dir;
}

/** Runs bench/<name>.bench.ts in `cwd` with `args`; resolves with the JSON it wrote to bench/results/<resultName>.json. */
export async function runBenchIn(cwd: string, name: string, resultName: string, args: readonly string[]): Promise<any> {
  mkdirSync(join(cwd, 'bench', 'results'), { recursive: true });
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', `${name}.bench.ts`), ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHAT_LOG_LEVEL: 'error' } });
    child.on('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0) throw new Error(`bench ${name} in ${cwd} exited with ${code}`);
  return JSON.parse(readFileSync(join(cwd, 'bench', 'results', `${resultName}.json`), 'utf8'));
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function git(args: string[]): string {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
