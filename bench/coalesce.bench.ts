/**
 * coalesce: K concurrent identical history reads of one hot channel
 * (K = 10, 100, 1000), with request coalescing on and off, in one run,
 * through the real MessageService over gRPC on loopback.
 *
 * Store: --store=memory (default): the data service's MemoryMessageStore
 * with an artificial per-query cost (--query-ms, default 25 ms), standing in
 * for a database round trip; --store=sqlite: @chat/store's SQLite adapter.
 * db_queries_* are history queries that reached the store.
 *
 *   npm run bench -- coalesce [--quick] [--store=memory|sqlite] [--query-ms=25] [--rounds=5]
 * writes bench/results/coalesce.json (coalesce-sqlite.json for sqlite).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventBus } from '@chat/bus';
import { buildDataService, dataServiceConfigSchema, MemoryMessageStore } from '@chat/data-service';
import { loadConfig } from '@chat/config';
import { silentLogger } from '@chat/observability';
import { messagesV1 } from '@chat/proto';
import { createServiceClient, GrpcServer } from '@chat/rpc';
import { SnowflakeGenerator } from '@chat/snowflake';
import { openStore, type MessageStore, type NewMessage } from '@chat/store';
import { Registry } from 'prom-client';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const queryMs = option('query-ms', 25);
const backend = args.find((a) => a.startsWith('--store='))?.split('=')[1] ?? 'memory';
if (backend !== 'memory' && backend !== 'sqlite') throw new Error(`--store must be memory or sqlite, got ${backend}`);
const rounds = option('rounds', quick ? 1 : 5);
const sizes = [10, 100, 1000];
const CHANNEL = '1200000000000000001';
const GUILD = '1000000000000000001';

/** Counts history queries on their way to a real store. */
function counted(store: MessageStore): MessageStore & { count(operation: string): number } {
  let history = 0;
  return Object.assign(Object.create(store) as MessageStore, {
    history: (...call: Parameters<MessageStore['history']>) => {
      history += 1;
      return store.history(...call);
    },
    count: (operation: string) => (operation === 'history' ? history : 0),
  });
}

/** The hot channel's store: the memory store with an artificial cost, or a real SQLite file (guild, channel, 50 messages). */
async function openHotStore() {
  const ids = new SnowflakeGenerator({ workerId: 0, processId: 0 });
  const message = (i: number): NewMessage => ({ id: ids.next(), channelId: CHANNEL, guildId: GUILD, authorId: '1100000000000000001', content: `message ${i}`, tts: false, mentionEveryone: false, mentionUserIds: [], mentionRoleIds: [], attachmentsJson: '[]', embedsJson: '[]', nonce: null, type: 0, flags: 0, reference: null });
  if (backend === 'memory') {
    const store = new MemoryMessageStore({ queryDelayMs: queryMs });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(message(i))));
    return { parts: { messages: store }, count: (op: string) => store.count(op), close: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-coalesce-'));
  const real = await openStore({ backend: 'sqlite', path: join(dir, 'chat.db') });
  await real.guilds.createGuild({ id: GUILD, name: 'bench', ownerId: '1100000000000000001' });
  await real.guilds.createChannel({ id: CHANNEL, type: 0, guildId: GUILD, name: 'hot' });
  for (let i = 0; i < 50; i++) await real.messages.create(message(i));
  const messages = counted(real.messages);
  return { parts: { messages, guilds: real.guilds }, count: (op: string) => messages.count(op), close: async () => (await real.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** One data service (coalescing on or off) on its own loopback gRPC server, over the hot channel's store. */
async function serve(coalesce: boolean) {
  const hot = await openHotStore();
  const config = { ...loadConfig(dataServiceConfigSchema, { env: {} }), coalesce, maxQueued: 4096 };
  const built = buildDataService({ store: hot.parts, bus: new MemoryEventBus(), config, registry: new Registry(), logger: silentLogger() });
  const server = new GrpcServer();
  server.addService(messagesV1.MessageServiceService, built.handlers);
  const port = await server.listen('127.0.0.1', 0);
  const client = createServiceClient(messagesV1.MessageServiceService, `127.0.0.1:${port}`, { defaultTimeoutMs: 30_000 });
  return { store: { count: hot.count }, client, close: async () => (client.close(), await server.stop(100), await hot.close()) };
}

type Served = Awaited<ReturnType<typeof serve>>;

/** Fires k identical reads at once; returns per-request latencies and the store queries they caused. */
async function burst(target: Served, k: number): Promise<{ latencies: number[]; queries: number; errors: number }> {
  const before = target.store.count('history');
  let errors = 0;
  const latencies = await Promise.all(
    Array.from({ length: k }, async () => {
      const started = performance.now();
      try {
        const page = await target.client.getHistory({ channelId: CHANNEL, limit: 50, anchor: undefined });
        if (page.messages.length !== 50) errors += 1;
      } catch {
        errors += 1;
      }
      return performance.now() - started;
    }),
  );
  return { latencies, queries: target.store.count('history') - before, errors };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

const on = await serve(true);
const off = await serve(false);
// Warm up connections and JIT.
await burst(on, 10);
await burst(off, 10);

const results: Record<string, unknown>[] = [];
for (const k of sizes) {
  const lat = { on: [] as number[], off: [] as number[] };
  const queries = { on: [] as number[], off: [] as number[] };
  let errors = 0;
  for (let r = 0; r < rounds; r++) {
    const a = await burst(on, k);
    const b = await burst(off, k);
    lat.on.push(...a.latencies);
    lat.off.push(...b.latencies);
    queries.on.push(a.queries);
    queries.off.push(b.queries);
    errors += a.errors + b.errors;
  }
  results.push({
    k,
    requests: k,
    rounds,
    db_queries_on: Math.max(...queries.on),
    db_queries_off: Math.max(...queries.off),
    db_queries_on_per_round: queries.on,
    db_queries_off_per_round: queries.off,
    reduction: round2(Math.min(...queries.off) / Math.max(...queries.on)),
    p50_ms_on: round2(percentile(lat.on, 50)),
    p99_ms_on: round2(percentile(lat.on, 99)),
    p50_ms_off: round2(percentile(lat.off, 50)),
    p99_ms_off: round2(percentile(lat.off, 99)),
    errors,
  });
}
await on.close();
await off.close();

const store =
  backend === 'sqlite'
    ? 'SQLite adapter of @chat/store (openStore, WAL file in a temp dir; queries are synchronous, about 0.1 ms)'
    : `MemoryMessageStore (in process) with an artificial ${queryMs} ms per query`;
console.log(`coalesce: K identical concurrent GetHistory(limit 50) on one channel, gRPC loopback, ${rounds} round(s) per K`);
console.log(`store: ${store}; 64 store permits, 4096 queue (CHAT_DATA_MAX_CONCURRENT_QUERIES default, queue raised so K=1000 is never refused)`);
console.log('');
console.log('     K | queries on | queries off | reduction | p50 on ms | p99 on ms | p50 off ms | p99 off ms | errors');
console.log('-------+------------+-------------+-----------+-----------+-----------+------------+------------+-------');
for (const r of results) {
  const cells = [r.k, r.db_queries_on, r.db_queries_off, `${r.reduction}x`, r.p50_ms_on, r.p99_ms_on, r.p50_ms_off, r.p99_ms_off, r.errors];
  const widths = [6, 10, 11, 9, 9, 9, 10, 10, 6];
  console.log(cells.map((c, i) => String(c).padStart(widths[i]!)).join(' | '));
}
const out = new URL(backend === 'sqlite' ? './results/coalesce-sqlite.json' : './results/coalesce.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ benchmark: 'coalesce', quick, store, query_ms: queryMs, node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
