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
 *   npm run bench -- rest-path [--quick] [--messages=600] [--concurrency=1,16]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@chat/modules';
import { allModules } from '../apps/server/src/modules';
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

await runBenchmark(async () => {
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
