/**
 * reactions: N users react to one message at once, on each store backend,
 * and the message must end with count N. The contender, run in the same
 * run on the same backend, is the obvious alternative design: a per-emoji
 * count kept as a number that each reaction reads, adds one to and writes
 * back (RecordStore get + put, the read-modify-write the reactions port
 * avoids). For each backend and design: reactions/s, p50/p99 per reaction,
 * the final count and how many reactions it lost. Then the read side:
 * counts of a 50-message page with reactions on every message, p50/p99.
 *
 *   npm run bench -- reactions [--quick] [--backends=sqlite,scylla] [--users=N] [--concurrency=N] [--pages=N]
 *
 * Writes bench/results/reactions.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type RecordStore, type ReactionStore } from '@chat/store';
import { forEachConcurrent } from './lib/bench-messages';
import { acquireCassandra } from './lib/cassandra';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { writeResults } from './lib/results';
import { openBenchKeyspace } from './lib/scylla-keyspace';
import { benchOptions } from './lib/options';
import { loadAverage, machine, percentile, printTable, round, since } from './lib/stats';

const { quick, intOption, backends: backendNames } = benchOptions();
const users = intOption('users', quick ? 500 : 5000);
const concurrency = intOption('concurrency', 256);
const pages = intOption('pages', quick ? 100 : 500);
const CHANNEL = '1200000000000000021';
const PAGE = 50;
const userId = (i: number) => String(1_300_000_000_000_000_000n + BigInt(i));
const messageId = (i: number) => String(1_400_000_000_000_000_000n + BigInt(i));

interface Backend {
  name: 'sqlite' | 'scylla';
  label: string;
  reactions: ReactionStore;
  records: RecordStore;
}

async function openSqlite(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reactions-'));
  onCleanup('remove sqlite dir', async () => rmSync(dir, { recursive: true, force: true }));
  const store = await openStore({ backend: 'sqlite', path: join(dir, 'chat.db') });
  onCleanup('close sqlite', () => store.close());
  return { name: 'sqlite', label: 'SQLite', reactions: store.reactions, records: store.records };
}

async function openScylla(): Promise<Backend> {
  const bench = await openBenchKeyspace(await acquireCassandra('reactions'), 'reactions');
  console.log(`scylla: Apache Cassandra ${bench.serverVersion}, migrated in ${Math.round(bench.migrateMs)} ms`);
  return { name: 'scylla', label: 'Cassandra', reactions: bench.store.reactions, records: bench.store.records };
}

type Figures = Record<string, number>;

/** Every user reacts once to message `m` with `concurrency` in flight; returns rate, latency and what the store counted. */
async function rowPerReaction(b: Backend, m: string): Promise<Figures> {
  const latencies: number[] = [];
  const started = performance.now();
  await forEachConcurrent(Array.from({ length: users }, (_, i) => i), concurrency, async (i) => {
    const t0 = performance.now();
    await b.reactions.add({ channelId: CHANNEL, messageId: m, emojiKey: '🎉', emojiName: '🎉', type: 0, userId: userId(i), at: Date.now() });
    latencies.push(since(t0));
  });
  const seconds = since(started) / 1000;
  const count = (await b.reactions.counts(CHANNEL, [m], undefined)).get(m)?.[0]?.count ?? 0;
  return { per_s: round(users / seconds, 1), p50_ms: round(percentile(latencies, 50), 3), p99_ms: round(percentile(latencies, 99), 3), final_count: count, lost: users - count };
}

/** The contender: a count read, incremented and written back per reaction. */
async function readModifyWrite(b: Backend, m: string): Promise<Figures> {
  const latencies: number[] = [];
  const started = performance.now();
  await forEachConcurrent(Array.from({ length: users }, (_, i) => i), concurrency, async () => {
    const t0 = performance.now();
    const current = Number((await b.records.get('bench_reaction_counts', `${CHANNEL}:${m}`, '🎉')) ?? '0');
    await b.records.put('bench_reaction_counts', `${CHANNEL}:${m}`, '🎉', String(current + 1));
    latencies.push(since(t0));
  });
  const seconds = since(started) / 1000;
  const count = Number((await b.records.get('bench_reaction_counts', `${CHANNEL}:${m}`, '🎉')) ?? '0');
  return { per_s: round(users / seconds, 1), p50_ms: round(percentile(latencies, 50), 3), p99_ms: round(percentile(latencies, 99), 3), final_count: count, lost: users - count };
}

/** Counts of a 50-message page whose every message has 3 emojis from 10 users, `pages` times one at a time. */
async function readPages(b: Backend): Promise<Figures> {
  const ids = Array.from({ length: PAGE }, (_, i) => messageId(1000 + i));
  await forEachConcurrent(ids, 16, async (m) => {
    for (const emoji of ['👍', '❤️', '😂']) for (let u = 0; u < 10; u++) await b.reactions.add({ channelId: CHANNEL, messageId: m, emojiKey: emoji, emojiName: emoji, type: 0, userId: userId(u), at: Date.now() });
  });
  const latencies: number[] = [];
  let wrong = 0;
  for (let i = 0; i < pages; i++) {
    const t0 = performance.now();
    const counts = await b.reactions.counts(CHANNEL, ids, userId(i % 20));
    latencies.push(since(t0));
    if (counts.size !== PAGE || [...counts.values()].some((list) => list.length !== 3 || list.some((c) => c.count !== 10))) wrong++;
  }
  return { page_p50_ms: round(percentile(latencies, 50), 3), page_p99_ms: round(percentile(latencies, 99), 3), wrong_pages: wrong };
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const backends: Backend[] = [];
  if (backendNames.includes('sqlite')) backends.push(await openSqlite());
  if (backendNames.includes('scylla')) backends.push(await openScylla());
  console.log(`\n${users} users react to one message, ${concurrency} in flight\n`);
  const rows: Record<string, Record<string, Figures>> = {};
  for (const b of backends) {
    process.stdout.write(`${b.label}: one row per reaction...`);
    const ours = await rowPerReaction(b, messageId(1));
    process.stdout.write(` ${ours.per_s}/s; read-modify-write counter...`);
    const contender = await readModifyWrite(b, messageId(2));
    process.stdout.write(` ${contender.per_s}/s; page reads...`);
    const read = await readPages(b);
    process.stdout.write(' done\n');
    rows[b.name] = { row_per_reaction: ours, read_modify_write: contender, page_counts: read };
  }
  const loadAfter = loadAverage();
  printTable(
    ['backend', 'design', 'reactions/s', 'p50 ms', 'p99 ms', 'final count', 'lost', 'rate vs contender'],
    backends.flatMap((b) => {
      const r = rows[b.name] as Record<string, Figures>;
      const ours = r.row_per_reaction as Figures;
      const them = r.read_modify_write as Figures;
      return [
        [b.label, 'row per reaction (ours)', ours.per_s, ours.p50_ms, ours.p99_ms, ours.final_count, ours.lost, `${round((ours.per_s as number) / (them.per_s as number), 3)}x`],
        [b.label, 'read-modify-write count', them.per_s, them.p50_ms, them.p99_ms, them.final_count, them.lost, '1x'],
      ];
    }),
  );
  console.log('');
  printTable(
    ['backend', `counts of a ${PAGE}-message page p50 ms`, 'p99 ms', 'wrong pages'],
    backends.map((b) => {
      const p = rows[b.name]?.page_counts as Figures;
      return [b.label, p.page_p50_ms, p.page_p99_ms, p.wrong_pages];
    }),
  );
  console.log(`\nload average (1/5/15 min) ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after`);
  writeResults('reactions', {
    benchmark: 'reactions',
    quick,
    users,
    concurrency,
    pages,
    backends: rows,
    ratio_to_contender: Object.fromEntries(backends.map((b) => [b.name, round((rows[b.name]?.row_per_reaction?.per_s as number) / (rows[b.name]?.read_modify_write?.per_s as number), 3)])),
    ratio_note: 'reactions/s of one row per reaction divided by the read-modify-write counter\'s on the same backend, same run',
    date: new Date().toISOString(),
    load_average: { before: loadBefore, after: loadAfter },
    machine: machine(),
  });
}

await runBenchmark(main);
