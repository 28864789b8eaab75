/**
 * rest-path: what the REST message path costs with every service in one
 * process, when its gRPC calls (REST -> data service CreateMessage, REST ->
 * guild PublishEvent) go over loopback HTTP/2 (CHAT_GRPC_IN_PROCESS=off, the
 * baseline) and when they go straight to the handler in-process (the
 * default), same run, same seeded SQLite guild, nobody listening.
 *
 * M messages through POST /api/v10/channels/{id}/messages with C in flight,
 * from senders rotating so none passes the 5-per-5-s limit: messages/s and
 * REST p50/p99, then the ratio of in-process to network.
 *
 * With --against=<git ref> it runs the same benchmark on that commit (a git
 * worktree) and on this tree, alternating for --rounds (3) rounds, and
 * prints the median messages/s of each and their ratio: how a change to the
 * REST path compares with what it replaced, same machine, same run.
 *
 *   npm run bench -- rest-path [--quick] [--messages=600] [--concurrency=1,16]
 *   npm run bench -- rest-path --against=HEAD~1 [--rounds=3]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@chat/modules';
import { allModules } from '../apps/server/src/modules';
import { fileURLToPath } from 'node:url';
import { median, runBenchIn, worktreeOf } from './lib/against';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { seedFanoutGuild } from './lib/fanout-seed';
import { writeResults } from './lib/results';
import { loadAverage, machine, percentile, printTable, round } from './lib/stats';
import { EPHEMERAL_PORTS } from '../apps/server/src/testing/ephemeral-ports';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const MESSAGES = Number(option('messages') ?? (quick ? 150 : 600));
const CONCURRENCY = (option('concurrency') ?? '1,16').split(',').map(Number);
const SENDERS = Math.ceil(MESSAGES / 4) * CONCURRENCY.length;

async function run(mode: 'network' | 'in-process', dbPath: string, seeded: Awaited<ReturnType<typeof seedFanoutGuild>>, concurrency: number, senderOffset: number) {
  process.env.CHAT_GRPC_IN_PROCESS = mode === 'in-process' ? 'on' : 'off';
  const server = await startServer({
    definitions: allModules,
    argv: [],
    handleSignals: false,
    env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: dbPath, CHAT_LOG_LEVEL: 'error' },
  });
  try {
    const url = `${server.endpoints.api}/v10/channels/${seeded.channelId}/messages`;
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < MESSAGES; i = next++) {
          const token = seeded.memberTokens[senderOffset + (i % Math.ceil(MESSAGES / 4))]!;
          const t = performance.now();
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ content: `message ${i} via ${mode}` }) });
          await response.arrayBuffer();
          if (response.status !== 200) failures += 1;
          latencies.push(performance.now() - t);
        }
      }),
    );
    const ms = performance.now() - started;
    return { mode, concurrency, messagesPerS: (MESSAGES / ms) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures };
  } finally {
    await server.shutdown('bench');
  }
}

const AGAINST = option('against');
if (AGAINST) await compareAgainst(AGAINST);
else await runBenchmark(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rest-path-'));
  onCleanup('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
  const seeded = await seedFanoutGuild(join(dir, 'seed.db'), SENDERS * 2);
  const loadBefore = loadAverage();
  console.log(`rest-path: ${MESSAGES} messages per row, concurrency ${CONCURRENCY.join(', ')}, ${SENDERS * 2} seeded senders; load average ${loadBefore.join(' ')}`);
  const rows: unknown[][] = [];
  const results: Record<string, unknown>[] = [];
  let offset = 0;
  for (const concurrency of CONCURRENCY) {
    const pair: Awaited<ReturnType<typeof run>>[] = [];
    for (const mode of ['network', 'in-process'] as const) {
      // A fresh copy of the seeded file per row: every row starts from the same data.
      const db = join(dir, `${mode}-${concurrency}.db`);
      copyFileSync(join(dir, 'seed.db'), db);
      pair.push(await run(mode, db, seeded, concurrency, offset));
      offset = (offset + Math.ceil(MESSAGES / 4)) % (SENDERS * 2 - Math.ceil(MESSAGES / 4));
    }
    const network = pair[0]!;
    for (const r of pair) {
      if (r.failures > 0) throw new Error(`${r.mode} C=${r.concurrency}: ${r.failures} POSTs failed`);
      rows.push([r.mode, r.concurrency, round(r.messagesPerS, 1), `${round(r.messagesPerS / network.messagesPerS, 2)}x`, round(r.p50, 1), round(r.p99, 1)]);
      results.push({ mode: r.mode, concurrency: r.concurrency, messages: MESSAGES, messages_per_s: round(r.messagesPerS, 1), vs_network: round(r.messagesPerS / network.messagesPerS, 2), rest_p50_ms: round(r.p50, 1), rest_p99_ms: round(r.p99, 1) });
    }
  }
  printTable(['gRPC calls', 'C', 'messages/s', 'vs network', 'REST p50 ms', 'REST p99 ms'], rows);
  const loadAfter = loadAverage();
  console.log(`load average after: ${loadAfter.join(' ')}`);
  writeResults(quick ? 'rest-path-quick' : 'rest-path', { machine: machine(), load_average: { before: loadBefore, after: loadAfter }, results });
});

/** Runs this benchmark on `ref` and on this tree, alternating, and prints the medians side by side. */
async function compareAgainst(ref: string): Promise<void> {
  const rounds = Number(option('rounds') ?? 3);
  const passOn = args.filter((a) => !a.startsWith('--against=') && !a.startsWith('--rounds='));
  const resultName = quick ? 'rest-path-quick' : 'rest-path';
  const baselineDir = worktreeOf(ref);
  const here = fileURLToPath(new URL('..', import.meta.url));
  const loadBefore = loadAverage();
  console.log(`rest-path against ${ref}: ${rounds} rounds, alternating; load average ${loadBefore.join(' ')}`);
  type Row = { mode: string; concurrency: number; messages_per_s: number; rest_p50_ms: number; rest_p99_ms: number };
  const samples = new Map<string, { before: Row[]; after: Row[] }>();
  for (let round = 0; round < rounds; round++) {
    for (const side of ['before', 'after'] as const) {
      const report = await runBenchIn(side === 'before' ? baselineDir : here, 'rest-path', resultName, passOn);
      for (const row of report.results as Row[]) {
        const key = `${row.mode} ${row.concurrency}`;
        const entry = samples.get(key) ?? { before: [], after: [] };
        entry[side].push(row);
        samples.set(key, entry);
      }
      console.log(`  round ${round + 1} ${side}: ${(report.results as Row[]).map((r) => `${r.mode} C=${r.concurrency} ${r.messages_per_s}/s`).join(', ')}`);
    }
  }
  const rows: unknown[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const [key, { before, after }] of samples) {
    const [mode, concurrency] = key.split(' ');
    const b = median(before.map((r) => r.messages_per_s));
    const a = median(after.map((r) => r.messages_per_s));
    const p99b = median(before.map((r) => r.rest_p99_ms));
    const p99a = median(after.map((r) => r.rest_p99_ms));
    rows.push([mode, concurrency, round(b, 1), round(a, 1), `${round(a / b, 2)}x`, round(p99b, 1), round(p99a, 1)]);
    results.push({ mode, concurrency: Number(concurrency), messages_per_s_before: round(b, 1), messages_per_s_after: round(a, 1), after_vs_before: round(a / b, 3), rest_p99_ms_before: round(p99b, 1), rest_p99_ms_after: round(p99a, 1), rounds });
  }
  printTable(['gRPC calls', 'C', `msg/s ${ref}`, 'msg/s this tree', 'this / before', `p99 ms ${ref}`, 'p99 ms this tree'], rows);
  const loadAfter = loadAverage();
  console.log(`load average after: ${loadAfter.join(' ')}`);
  writeResults(`${resultName}-against`, { against: ref, machine: machine(), load_average: { before: loadBefore, after: loadAfter }, results });
}
