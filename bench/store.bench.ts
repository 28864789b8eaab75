/**
 * store: the two MessageStore adapters side by side, same generated data,
 * same run. For each backend:
 * - insert rate (messages/s) one at a time (each awaited), then with
 *   --concurrency (default 32) inserts in flight;
 * - history pages (limit 50, before = a random message id of a random
 *   channel): p50/p99 one at a time, then p50/p99 and pages/s with
 *   --concurrency pages in flight.
 * Backends: SQLite (openStore, a file in a temp dir: WAL, synchronous=NORMAL)
 * and Scylla (openStore on a real Cassandra: CASSANDRA_CONTACT_POINTS, else
 * `scripts/infra/infra.sh up cassandra`; a fresh migrated keyspace, dropped
 * at the end). Each phase runs on SQLite, then on Cassandra, before the next
 * phase starts, so both see about the same machine load. Every figure is
 * also given as a ratio to SQLite's of the same run.
 *
 *   npm run bench -- store [--quick] [--backends=sqlite,scylla] [--messages=N] [--sequential=N] [--pages=N] [--concurrency=32]
 *
 * Writes bench/results/store.json.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type MessageStore, type NewMessage, type Store } from '@chat/store';
import { BENCH_GUILD, BENCH_AUTHOR, createWithRetry, forEachConcurrent, seededRandom, spreadMessages, type RetryCounts } from './lib/bench-messages';
import { acquireCassandra } from './lib/cassandra';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { writeResults } from './lib/results';
import { openBenchKeyspace } from './lib/scylla-keyspace';
import { benchOptions } from './lib/options';
import { loadAverage, machine, percentile, printTable, round, since } from './lib/stats';

const { quick, intOption, backends: backendNames } = benchOptions();
const CHANNELS = ['1200000000000000011', '1200000000000000012', '1200000000000000013', '1200000000000000014'];
const DAYS = 60;
const PAGE = 50;
const totalMessages = intOption('messages', quick ? 2000 : 20_000);
const sequentialInserts = Math.min(totalMessages, intOption('sequential', quick ? 400 : 2000));
const pages = intOption('pages', quick ? 300 : 2000);
const concurrency = intOption('concurrency', 32);

/** One backend under test. */
interface Backend {
  name: 'sqlite' | 'scylla';
  label: string;
  messages: MessageStore;
  detail: Record<string, unknown>;
}

/** Figures of one backend, all numbers (ms, or per second). */
type Figures = Record<string, number>;

async function openSqlite(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  onCleanup('remove sqlite dir', async () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'chat.db');
  const store = await openStore({ backend: 'sqlite', path });
  onCleanup('close sqlite', () => store.close());
  await createChannels(store);
  return { name: 'sqlite', label: 'SQLite', messages: store.messages, detail: { adapter: '@chat/store SQLite adapter (better-sqlite3, WAL, synchronous=NORMAL)', path } };
}

async function openScylla(): Promise<Backend> {
  const cassandra = await acquireCassandra('store');
  const bench = await openBenchKeyspace(cassandra, 'store');
  console.log(`scylla: migrated in ${Math.round(bench.migrateMs)} ms`);
  await createChannels(bench.store);
  return {
    name: 'scylla',
    label: 'Cassandra',
    messages: bench.store.messages,
    detail: {
      adapter: '@chat/store Scylla adapter (openStore backend scylla; LOCAL_QUORUM, token-aware; creates are LWT INSERT ... IF NOT EXISTS)',
      server: `Apache Cassandra ${bench.serverVersion}`,
      contact_points: cassandra.contactPoints,
      endpoint_source: cassandra.source,
      keyspace: bench.keyspace,
      migrate_ms: Math.round(bench.migrateMs),
    },
  };
}

async function createChannels(store: Store): Promise<void> {
  await store.guilds.createGuild({ id: BENCH_GUILD, name: 'bench', ownerId: BENCH_AUTHOR });
  for (const [i, id] of CHANNELS.entries()) await store.guilds.createChannel({ id, type: 0, guildId: BENCH_GUILD, name: `bench-${i}` });
}

/** Inserts `batch` with `inFlight` at a time; returns messages/s, per-insert latency (retries included) and the write timeouts retried. */
async function insert(backend: Backend, batch: readonly NewMessage[], inFlight: number) {
  const latencies: number[] = [];
  const counts: RetryCounts = { retries: 0, alreadyWritten: 0 };
  const started = performance.now();
  await forEachConcurrent(batch, inFlight, async (message) => {
    const t0 = performance.now();
    await createWithRetry(backend.messages, message, counts);
    latencies.push(since(t0));
  });
  const seconds = since(started) / 1000;
  return { per_s: round(batch.length / seconds, 1), p50_ms: round(percentile(latencies, 50), 3), p99_ms: round(percentile(latencies, 99), 3), retries: counts.retries };
}

/** Reads a page for each anchor with `inFlight` at a time; returns latency, pages/s and a fingerprint of every page (to compare backends). */
async function readPages(backend: Backend, anchors: readonly { channelId: string; before: string }[], inFlight: number) {
  const latencies: number[] = [];
  const prints: string[] = new Array<string>(anchors.length);
  let rows = 0;
  const started = performance.now();
  await forEachConcurrent(anchors, inFlight, async (anchor, index) => {
    const t0 = performance.now();
    const page = await backend.messages.history({ channelId: anchor.channelId, before: anchor.before, limit: PAGE });
    latencies.push(since(t0));
    rows += page.length;
    prints[index] = createHash('sha1').update(page.map((m) => m.id).join(',')).digest('hex');
  });
  const seconds = since(started) / 1000;
  return { per_s: round(anchors.length / seconds, 1), p50_ms: round(percentile(latencies, 50), 3), p99_ms: round(percentile(latencies, 99), 3), avg_rows: round(rows / anchors.length, 1), prints };
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const data = spreadMessages(CHANNELS, Math.ceil(totalMessages / CHANNELS.length), DAYS, Date.now() - 60_000, 42).slice(0, totalMessages);
  const sequential = data.slice(0, sequentialInserts);
  const concurrent = data.slice(sequentialInserts);
  const random = seededRandom(99);
  const pick = () => data[Math.floor(random() * data.length)] as NewMessage;
  const anchorsSeq = Array.from({ length: pages }, () => pick()).map((m) => ({ channelId: m.channelId, before: m.id }));
  const anchorsConc = Array.from({ length: pages }, () => pick()).map((m) => ({ channelId: m.channelId, before: m.id }));
  const warmup = Array.from({ length: 20 }, () => pick()).map((m) => ({ channelId: m.channelId, before: m.id }));

  const backends: Backend[] = [];
  if (backendNames.includes('sqlite')) backends.push(await openSqlite());
  if (backendNames.includes('scylla')) backends.push(await openScylla());
  console.log(`\ndata: ${data.length} messages in ${CHANNELS.length} channels over ${DAYS} days (${Math.ceil(DAYS / 10)}-${Math.ceil(DAYS / 10) + 1} ten-day buckets per channel); ${sequential.length} inserted one at a time, ${concurrent.length} with ${concurrency} in flight`);

  const figures = new Map<string, Figures>(backends.map((b) => [b.name, {}]));
  const writeTimeouts = new Map<string, number>(backends.map((b) => [b.name, 0]));
  const prints = new Map<string, string[]>();
  const loadPerPhase: Record<string, [number, number, number]> = {};
  const phase = async (name: string, run: (backend: Backend, f: Figures) => Promise<void>) => {
    for (const backend of backends) {
      process.stdout.write(`${name}: ${backend.label}...`);
      const started = performance.now();
      await run(backend, figures.get(backend.name) as Figures);
      process.stdout.write(` ${round(since(started) / 1000, 1)} s\n`);
    }
    loadPerPhase[name] = loadAverage();
  };

  await phase('insert, one at a time', async (b, f) => {
    const r = await insert(b, sequential, 1);
    writeTimeouts.set(b.name, (writeTimeouts.get(b.name) ?? 0) + r.retries);
    Object.assign(f, { insert_seq_msgs_per_s: r.per_s, insert_seq_p50_ms: r.p50_ms, insert_seq_p99_ms: r.p99_ms });
  });
  await phase(`insert, ${concurrency} in flight`, async (b, f) => {
    if (concurrent.length === 0) return;
    const r = await insert(b, concurrent, concurrency);
    writeTimeouts.set(b.name, (writeTimeouts.get(b.name) ?? 0) + r.retries);
    Object.assign(f, { insert_conc_msgs_per_s: r.per_s, insert_conc_p50_ms: r.p50_ms, insert_conc_p99_ms: r.p99_ms });
  });
  await phase('history warm-up (20 pages, not counted)', async (b) => {
    await readPages(b, warmup, 1);
  });
  await phase('history, one at a time', async (b, f) => {
    const r = await readPages(b, anchorsSeq, 1);
    Object.assign(f, { history_seq_p50_ms: r.p50_ms, history_seq_p99_ms: r.p99_ms, history_seq_pages_per_s: r.per_s, history_avg_rows: r.avg_rows });
    prints.set(b.name, r.prints);
  });
  await phase(`history, ${concurrency} in flight`, async (b, f) => {
    const r = await readPages(b, anchorsConc, concurrency);
    Object.assign(f, { history_conc_p50_ms: r.p50_ms, history_conc_p99_ms: r.p99_ms, history_conc_pages_per_s: r.per_s });
  });
  const loadAfter = loadAverage();

  // Same data, same anchors: both adapters must return the same pages.
  const [first, second] = [...prints.values()];
  const pageMismatches = first && second ? first.filter((p, i) => p !== second[i]).length : null;

  const base = figures.get('sqlite');
  const ratios: Record<string, Figures> = {};
  if (base) {
    for (const [name, f] of figures) {
      ratios[name] = Object.fromEntries(Object.entries(f).map(([key, value]) => [key, base[key] ? round(value / (base[key] as number), 3) : NaN]));
    }
  }

  console.log(`\nstore: ${data.length} messages, history limit ${PAGE} before a random anchor; load average (1/5/15 min) ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after (shared machine)\n`);
  const keys = [...new Set(backends.flatMap((b) => Object.keys(figures.get(b.name) ?? {})))];
  const header = ['figure', ...backends.map((b) => b.label), ...(base ? backends.filter((b) => b.name !== 'sqlite').map((b) => `${b.label} / SQLite`) : [])];
  printTable(
    header,
    keys.map((key) => [key, ...backends.map((b) => figures.get(b.name)?.[key] ?? '-'), ...(base ? backends.filter((b) => b.name !== 'sqlite').map((b) => `${ratios[b.name]?.[key] ?? '-'}x`) : [])]),
  );
  if (pageMismatches !== null) console.log(`\npages compared between backends: ${anchorsSeq.length}, different: ${pageMismatches}`);
  console.log(`write timeouts retried: ${backends.map((b) => `${b.label} ${writeTimeouts.get(b.name) ?? 0}`).join(', ')}`);

  const report = {
    benchmark: 'store',
    quick,
    data: { messages: data.length, channels: CHANNELS.length, days: DAYS, sequential_inserts: sequential.length, concurrent_inserts: concurrent.length, concurrency, pages_per_phase: pages, page_limit: PAGE },
    backends: Object.fromEntries(backends.map((b) => [b.name, { ...b.detail, ...figures.get(b.name), write_timeouts_retried: writeTimeouts.get(b.name) ?? 0 }])),
    ratio_to_sqlite: ratios,
    ratio_note: 'each figure divided by SQLite\'s of the same run: for *_per_s higher is better, for *_ms lower is better',
    pages_compared: prints.size === 2 ? anchorsSeq.length : 0,
    pages_different: pageMismatches,
    date: new Date().toISOString(),
    load_average: { before: loadBefore, after: loadAfter, after_phase: loadPerPhase },
    machine: machine(),
  };
  writeResults('store', report);
}

await runBenchmark(main);
