/**
 * coalesce: K concurrent identical history reads of one hot channel
 * (K = 10, 100, 1000), with request coalescing on and off, in one run,
 * through the real MessageService over gRPC on loopback.
 *
 * Stores (--store=):
 * - scylla (the default when a Cassandra can be had): @chat/store's Scylla
 *   adapter on a real Cassandra (CASSANDRA_CONTACT_POINTS, else
 *   `scripts/infra/infra.sh up cassandra`), in a fresh migrated keyspace
 *   dropped at the end. Every query is a network round trip.
 * - memory: the data service's MemoryMessageStore with an artificial
 *   per-query cost (--query-ms, default 25). The fallback when no Cassandra
 *   answers, labelled as such in the JSON.
 * - sqlite: @chat/store's SQLite adapter (WAL file in a temp dir).
 *
 * The hot channel is seeded with --seed messages (default 500); each read is
 * GetHistory(limit 50) of its newest page. db_queries_* are history calls
 * that reached the store, counted by a wrapper around the MessageStore.
 *
 *   npm run bench -- coalesce [--quick] [--store=scylla|memory|sqlite] [--rounds=N] [--seed=500] [--query-ms=25] [--queue-wait-ms=60000]
 *
 * Writes bench/results/coalesce.json (coalesce-<store>.json when --store
 * names memory or sqlite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@chat/bus';
import { loadConfig } from '@chat/config';
import { buildDataService, dataServiceConfigSchema, MemoryMessageStore, type DataServiceStore } from '@chat/data-service';
import { silentLogger } from '@chat/observability';
import { messagesV1 } from '@chat/proto';
import { createServiceClient, GrpcServer } from '@chat/rpc';
import { SnowflakeGenerator } from '@chat/snowflake';
import { openStore, type MessageStore, type Store } from '@chat/store';
import { Registry } from 'prom-client';
import { BENCH_AUTHOR, BENCH_GUILD, benchMessage, createWithRetry, forEachConcurrent, seededRandom, type RetryCounts } from './lib/bench-messages';
import { acquireCassandra } from './lib/cassandra';
import { onCleanup, runBenchmark, wasInterrupted } from './lib/cleanup';
import { CountingMessageStore } from './lib/counting-message-store';
import { writeResults } from './lib/results';
import { openBenchKeyspace } from './lib/scylla-keyspace';
import { loadAverage, machine, percentile, printTable, round, since } from './lib/stats';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const numberOption = (name: string, fallback: number) => {
  const value = Number(option(name) ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
};
const requested = option('store');
if (requested !== undefined && !['scylla', 'memory', 'sqlite'].includes(requested)) throw new Error(`--store must be scylla, memory or sqlite, got ${requested}`);
const queryMs = numberOption('query-ms', 25);
const rounds = numberOption('rounds', quick ? 1 : 5);
const seedCount = numberOption('seed', 500);
const queueWaitMs = numberOption('queue-wait-ms', 60_000);
const SIZES = [10, 100, 1000];
const PAGE = 50;
const CHANNEL = '1200000000000000001';

/** The hot channel's store, whichever backend, and a description for the JSON. */
interface HotStore {
  kind: 'scylla' | 'memory' | 'sqlite';
  parts: { messages: MessageStore; guilds?: DataServiceStore['guilds'] };
  detail: Record<string, unknown>;
  /** The newest seeded message id: every answer must start with it. */
  newestId: string;
}

/** Seeds the guild, the hot channel (when the store has a guilds port) and `seedCount` messages, 16 at a time (write timeouts retried). */
async function seed(messages: MessageStore, guilds: Store['guilds'] | undefined): Promise<{ newestId: string; seedMs: number; retries: RetryCounts }> {
  const started = performance.now();
  if (guilds) {
    await guilds.createGuild({ id: BENCH_GUILD, name: 'bench', ownerId: BENCH_AUTHOR });
    await guilds.createChannel({ id: CHANNEL, type: 0, guildId: BENCH_GUILD, name: 'hot' });
  }
  const ids = new SnowflakeGenerator({ workerId: 0, processId: 0 });
  const random = seededRandom(7);
  const batch = Array.from({ length: seedCount }, () => benchMessage(ids.next(), CHANNEL, random));
  const retries: RetryCounts = { retries: 0, alreadyWritten: 0 };
  await forEachConcurrent(batch, 16, (message) => createWithRetry(messages, message, retries));
  const newestId = batch.at(-1)?.id;
  if (!newestId) throw new Error('--seed must be at least 1');
  return { newestId, seedMs: since(started), retries };
}

/** A fresh keyspace on a real Cassandra; throws when none can be had (the caller may fall back). */
async function connectScylla() {
  const cassandra = await acquireCassandra('coalesce');
  const bench = await openBenchKeyspace(cassandra, 'coalesce');
  return { cassandra, bench };
}

/** Seeds the keyspace: failures here are errors of the run, not a reason to fall back. */
async function openScylla({ cassandra, bench }: Awaited<ReturnType<typeof connectScylla>>): Promise<HotStore> {
  console.log(`scylla: migrated in ${Math.round(bench.migrateMs)} ms; seeding ${seedCount} messages into one channel`);
  const { newestId, seedMs, retries } = await seed(bench.store.messages, bench.store.guilds);
  console.log(`scylla: seeded in ${Math.round(seedMs)} ms (${retries.retries} write timeouts retried)`);
  return {
    kind: 'scylla',
    parts: { messages: bench.store.messages, guilds: bench.store.guilds },
    newestId,
    detail: {
      adapter: '@chat/store Scylla adapter (openStore backend scylla; LOCAL_QUORUM, token-aware)',
      server: `Apache Cassandra ${bench.serverVersion}`,
      contact_points: cassandra.contactPoints,
      endpoint_source: cassandra.source,
      keyspace: bench.keyspace,
      migrate_ms: Math.round(bench.migrateMs),
      seed_ms: Math.round(seedMs),
      seed_write_timeouts_retried: retries.retries,
      cql_statements_per_history_call: 2,
      cql_note: 'a newest-page history call is 2 CQL statements (list the channel buckets, read the newest one); db_queries count history calls at the MessageStore boundary',
    },
  };
}

async function openMemory(fallbackReason?: string): Promise<HotStore> {
  const store = new MemoryMessageStore({ queryDelayMs: queryMs });
  const { newestId } = await seed(store, undefined);
  return {
    kind: 'memory',
    parts: { messages: store },
    newestId,
    detail: {
      adapter: `MemoryMessageStore (in process) with an artificial ${queryMs} ms per query; no network, a stand-in for a database round trip`,
      query_ms: queryMs,
      ...(fallbackReason ? { fallback: true, fallback_reason: fallbackReason } : {}),
    },
  };
}

async function openSqlite(): Promise<HotStore> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-coalesce-'));
  onCleanup('remove sqlite dir', async () => rmSync(dir, { recursive: true, force: true }));
  const store = await openStore({ backend: 'sqlite', path: join(dir, 'chat.db') });
  onCleanup('close sqlite', () => store.close());
  const { newestId } = await seed(store.messages, store.guilds);
  return {
    kind: 'sqlite',
    parts: { messages: store.messages, guilds: store.guilds },
    newestId,
    detail: { adapter: '@chat/store SQLite adapter (openStore, WAL file in a temp dir; synchronous queries under a millisecond that block the event loop)' },
  };
}

/** The store to run on: the one asked for, else Cassandra, else (labelled) the memory store. */
async function openHotStore(): Promise<HotStore> {
  if (requested === 'memory') return openMemory();
  if (requested === 'sqlite') return openSqlite();
  if (requested === 'scylla') return openScylla(await connectScylla());
  let connected: Awaited<ReturnType<typeof connectScylla>>;
  try {
    connected = await connectScylla();
  } catch (error) {
    if (wasInterrupted()) throw error;
    const cause = (error as Error).cause;
    const firstLine = (text: string) => text.split('\n')[0] ?? text;
    const reason = firstLine(`${(error as Error).message}${cause instanceof Error ? `: ${cause.message}` : ''}`);
    console.warn(`\n*** no Cassandra (${reason}); FALLING BACK to the in-memory store with an artificial ${queryMs} ms per query ***\n`);
    return openMemory(`no Cassandra: ${reason}`);
  }
  return openScylla(connected);
}

/** One data service (coalescing on or off) on its own loopback gRPC server, counting the store calls it makes. */
async function serve(hot: HotStore, coalesce: boolean) {
  const counting = new CountingMessageStore(hot.parts.messages);
  // Queue and queue wait raised above the defaults (1024, 5 s) so that with coalescing off every one of K=1000 reads is served, not refused.
  const config = { ...loadConfig(dataServiceConfigSchema, { env: {} }), coalesce, maxQueued: 4096, maxQueueWaitMs: queueWaitMs };
  const parts: DataServiceStore = hot.parts.guilds ? { messages: counting, guilds: hot.parts.guilds } : { messages: counting };
  const built = buildDataService({ store: parts, bus: new MemoryEventBus(), ids: new SnowflakeGenerator({ workerId: 0, processId: 1 }), config, registry: new Registry(), logger: silentLogger() });
  const server = new GrpcServer();
  server.addService(messagesV1.MessageServiceService, built.handlers);
  const port = await server.listen('127.0.0.1', 0);
  const client = createServiceClient(messagesV1.MessageServiceService, `127.0.0.1:${port}`, { defaultTimeoutMs: 30_000 });
  onCleanup(`stop service (coalesce ${coalesce ? 'on' : 'off'})`, async () => {
    client.close();
    await server.stop(100);
  });
  return { counting, client, maxConcurrentQueries: config.maxConcurrentQueries, maxQueueWaitMs: config.maxQueueWaitMs };
}

type Served = Awaited<ReturnType<typeof serve>>;

/** Fires k identical reads at once; returns per-request latencies, the wall time of the burst and the history queries they caused. */
async function burst(target: Served, k: number, newestId: string) {
  const before = target.counting.count('history');
  const timedBefore = target.counting.historyMs.length;
  const errors: string[] = [];
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: k }, async () => {
      const t0 = performance.now();
      try {
        const page = await target.client.getHistory({ channelId: CHANNEL, limit: PAGE, anchor: undefined });
        if (page.messages.length !== Math.min(PAGE, seedCount) || page.messages[0]?.id !== newestId) errors.push(`wrong page: ${page.messages.length} messages, first ${page.messages[0]?.id}`);
      } catch (error) {
        errors.push((error as Error).message);
      }
      return since(t0);
    }),
  );
  const storeMs = target.counting.historyMs.slice(timedBefore);
  return { latencies, wallMs: since(started), queries: target.counting.count('history') - before, storeMs, errors };
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const hot = await openHotStore();
  const on = await serve(hot, true);
  const off = await serve(hot, false);
  // Warm up connections, prepared statements and the JIT.
  for (let i = 0; i < 3; i++) {
    await burst(on, 10, hot.newestId);
    await burst(off, 10, hot.newestId);
  }

  const results: Record<string, unknown>[] = [];
  const firstErrors: string[] = [];
  for (const k of SIZES) {
    const lat = { on: [] as number[], off: [] as number[] };
    const wall = { on: [] as number[], off: [] as number[] };
    const storeMs = { on: [] as number[], off: [] as number[] };
    const queries = { on: [] as number[], off: [] as number[] };
    let errors = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await burst(on, k, hot.newestId);
      const b = await burst(off, k, hot.newestId);
      lat.on.push(...a.latencies);
      lat.off.push(...b.latencies);
      wall.on.push(a.wallMs);
      wall.off.push(b.wallMs);
      storeMs.on.push(...a.storeMs);
      storeMs.off.push(...b.storeMs);
      queries.on.push(a.queries);
      queries.off.push(b.queries);
      errors += a.errors.length + b.errors.length;
      firstErrors.push(...[...a.errors, ...b.errors].slice(0, 3 - firstErrors.length));
    }
    const dbOn = Math.max(...queries.on);
    const dbOff = Math.max(...queries.off);
    results.push({
      k,
      requests: k,
      rounds,
      db_queries_on: dbOn,
      db_queries_off: dbOff,
      db_queries_ratio: round(dbOff / dbOn),
      db_queries_on_per_round: queries.on,
      db_queries_off_per_round: queries.off,
      p50_ms_on: round(percentile(lat.on, 50)),
      p99_ms_on: round(percentile(lat.on, 99)),
      p50_ms_off: round(percentile(lat.off, 50)),
      p99_ms_off: round(percentile(lat.off, 99)),
      burst_ms_on: round(percentile(wall.on, 50)),
      burst_ms_off: round(percentile(wall.off, 50)),
      store_query_p50_ms_on: round(percentile(storeMs.on, 50)),
      store_query_p50_ms_off: round(percentile(storeMs.off, 50)),
      store_query_p99_ms_off: round(percentile(storeMs.off, 99)),
      errors,
    });
  }
  const loadAfter = loadAverage();

  console.log(`\ncoalesce: K identical concurrent GetHistory(limit ${PAGE}) of one channel (${seedCount} messages), gRPC on loopback, ${rounds} round(s) per K`);
  console.log(`store: ${hot.kind}: ${String(hot.detail.adapter)}${hot.detail.server ? ` on ${String(hot.detail.server)}` : ''}`);
  console.log(`data service: ${on.maxConcurrentQueries} store permits, queue 4096, queue wait ${on.maxQueueWaitMs} ms (raised from 1024 / 5000 so K=1000 is never refused)`);
  console.log(`load average (1/5/15 min): ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after (shared machine)\n`);
  printTable(
    ['K', 'queries on', 'queries off', 'off/on', 'p50 on ms', 'p99 on ms', 'p50 off ms', 'p99 off ms', 'burst on ms', 'burst off ms', 'query on ms', 'query off p50/p99 ms', 'errors'],
    results.map((r) => [r.k, r.db_queries_on, r.db_queries_off, `${String(r.db_queries_ratio)}x`, r.p50_ms_on, r.p99_ms_on, r.p50_ms_off, r.p99_ms_off, r.burst_ms_on, r.burst_ms_off, r.store_query_p50_ms_on, `${String(r.store_query_p50_ms_off)} / ${String(r.store_query_p99_ms_off)}`, r.errors]),
  );
  if (firstErrors.length > 0) console.log(`\nfirst errors: ${firstErrors.join(' | ')}`);

  const name = requested === 'memory' || requested === 'sqlite' ? `coalesce-${requested}` : 'coalesce';
  const report = {
    benchmark: 'coalesce',
    quick,
    store: hot.kind,
    store_detail: hot.detail,
    seeded_messages: seedCount,
    page_limit: PAGE,
    max_concurrent_queries: on.maxConcurrentQueries,
    max_queued: 4096,
    max_queue_wait_ms: on.maxQueueWaitMs,
    date: new Date().toISOString(),
    load_average: { before: loadBefore, after: loadAfter },
    machine: machine(),
    results,
  };
  writeResults(name, report);
}

await runBenchmark(main);
