/**
 * message-path: which of the project's source files one message runs
 * through, from the REST POST to the WebSocket write that delivers it, with
 * every service in one process. V8's precise coverage is reset once the
 * system is warm, one message is sent and received, and every function that
 * ran in that window is read back: files and libs touched, and which ones.
 * "on the path" leaves out the services that only consume the message's bus
 * event afterwards (read states, search indexer). Timers that fire in the
 * window, such as ring probes, show up too; the JSON lists every file so
 * they can be told apart.
 *
 * With --against=<git ref> the same measurement runs on that commit (this
 * file is copied into its worktree) and the two are printed side by side.
 *
 *   npm run bench -- message-path [--against=HEAD~1]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { startServer } from '@chat/modules';
import { allModules } from '../apps/server/src/modules';
import { EPHEMERAL_PORTS } from '../apps/server/src/testing/ephemeral-ports';
import { worktreeOf } from './lib/against';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { writeResults } from './lib/results';
import { printTable } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const against = args.find((a) => a.startsWith('--against='))?.slice('--against='.length);

/** Libs that only consume the message's bus event, after the delivery. */
const BUS_CONSUMERS = new Set(['libs/read-states', 'libs/search-indexer']);

/** libs/platform/rpc/src/x.ts -> libs/platform/rpc; apps/server/src/x.ts -> apps/server. */
function libOf(file: string): string {
  const parts = file.split('/');
  return parts[1] === 'platform' ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
}

async function measure(): Promise<{ files: string[]; libs: string[]; path_files: number; path_libs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-message-path-'));
  onCleanup('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer({ definitions: allModules, argv: [], handleSignals: false, env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: join(dir, 'chat.db'), CHAT_LOG_LEVEL: 'error', CHAT_API_RATE_LIMITS: 'off', CHAT_REST_RATE_LIMITS: 'off' } });
  onCleanup('server', async () => void (await server.shutdown('bench')));
  const api = server.endpoints.api!;
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${api}/v10${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return (await response.json()) as any;
  };
  const alice = await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' });
  const guild = await call('POST', '/guilds', alice.token, { name: 'Path' });
  const channelId = (await call('GET', `/guilds/${guild.id}/channels`, alice.token))[0].id as string;
  const ws = new WebSocket(`${server.endpoints.gateway}/?v=10&encoding=json`);
  const waiters = new Map<string, () => void>();
  let ready!: () => void;
  const guildCreate = new Promise<void>((resolve) => (ready = resolve));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { op: number; t: string | null; d: any };
    if (frame.op === 10) ws.send(JSON.stringify({ op: 2, d: { token: alice.token, intents: (1 << 0) | (1 << 9) | (1 << 15), properties: { os: 'linux', browser: 'bench', device: 'bench' } } }));
    if (frame.t === 'GUILD_CREATE') ready();
    if (frame.t === 'MESSAGE_CREATE') waiters.get(frame.d.content as string)?.();
  });
  await guildCreate;
  const roundTrip = async (content: string) => {
    const received = new Promise<void>((resolve) => waiters.set(content, resolve));
    await call('POST', `/channels/${channelId}/messages`, alice.token, { content });
    await received;
  };
  for (let i = 0; i < 30; i++) await roundTrip(`warm-up ${i}`);

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  await session.post('Profiler.takePreciseCoverage'); // resets the counts: what follows is one message
  await roundTrip('the measured message');
  const { result } = await session.post('Profiler.takePreciseCoverage');
  await session.post('Profiler.stopPreciseCoverage');
  session.disconnect();
  ws.close();

  const files = new Set<string>();
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const file = relative(ROOT, fileURLToPath(script.url));
    if (file.startsWith('..') || file.includes('node_modules') || file.startsWith('bench/')) continue;
    if (script.functions.some((fn) => fn.ranges[0]!.count > 0)) files.add(file);
  }
  const sorted = [...files].sort();
  const onPath = sorted.filter((file) => !BUS_CONSUMERS.has(libOf(file)));
  return { files: sorted, libs: [...new Set(sorted.map(libOf))].sort(), path_files: onPath.length, path_libs: new Set(onPath.map(libOf)).size };
}

/** Older reports lack the on-path counts: recompute them from the file list. */
function counts(report: { files: string[] }): [number, number, number, number] {
  const onPath = report.files.filter((file) => !BUS_CONSUMERS.has(libOf(file)));
  return [report.files.length, new Set(report.files.map(libOf)).size, onPath.length, new Set(onPath.map(libOf)).size];
}

if (against) {
  await runBenchmark(async () => {
    const worktree = worktreeOf(against);
    copyFileSync(fileURLToPath(import.meta.url), join(worktree, 'bench', 'message-path.bench.ts'));
    copyFileSync(fileURLToPath(new URL('./lib/against.ts', import.meta.url)), join(worktree, 'bench', 'lib', 'against.ts'));
    const { runBenchIn } = await import('./lib/against');
    const before = await runBenchIn(worktree, 'message-path', 'message-path', []);
    const after = await runBenchIn(ROOT, 'message-path', 'message-path', []);
    printTable(['tree', 'files', 'libs', 'files on the path', 'libs on the path'], [
      [against, ...counts(before)],
      ['this tree', ...counts(after)],
    ]);
    const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
    console.log(`\nonly in ${against}: ${only(before.files, after.files).join(', ') || '-'}\nonly in this tree: ${only(after.files, before.files).join(', ') || '-'}`);
    writeResults('message-path-against', { against, before, after });
  });
} else {
  await runBenchmark(async () => {
    const measured = await measure();
    printTable(['files', 'libs', 'files on the path', 'libs on the path'], [counts(measured)]);
    console.log(`\nlibs: ${measured.libs.join(', ')}`);
    writeResults('message-path', measured);
  });
}
