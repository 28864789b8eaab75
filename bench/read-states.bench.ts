/**
 * read-states: what the read-states service's cache buys, same machine,
 * same run, same store (a SQLite file in WAL mode, as `npm start` uses).
 *
 * 1. Acks per second: K acks over U users x C channels, each awaited in turn,
 *    (a) write-through: one `upsertMany([state])` per ack, what a service
 *        without a cache does (the baseline);
 *    (b) cached: `ReadStatesService.ack` (LRU + batched writes, publishing
 *        ReadStateAcked on an in-memory bus), then `close()` so every ack is
 *        written before the clock stops.
 *    Both for "spread" acks (every ack a different key) and "hot" acks (a few
 *    hundred keys acked over and over, as a user flipping between channels).
 * 2. Memory per cached entry: heap after filling a cache with N distinct
 *    entries, minus before, over N; against the same N ReadState objects in a
 *    plain array (the data alone) in the same run.
 *
 * Stores: `--backends=sqlite,scylla` (default both). Scylla is the real
 * Cassandra of scripts/infra (a fresh keyspace, dropped at the end), where
 * every write is a network round trip: the case the cache is for.
 *
 *   npm run bench -- read-states [--quick] [--backends=sqlite,scylla] [--acks=20000] [--entries=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryEventBus } from '@chat/bus';
import { ReadStateCache, ReadStatesService } from '@chat/read-states';
import { SnowflakeGenerator } from '@chat/snowflake';
import { openStore, type ReadState, type Store } from '@chat/store';
import { acquireCassandra } from './lib/cassandra';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { openBenchKeyspace } from './lib/scylla-keyspace';
import { writeResults } from './lib/results';
import { loadAverage, machine, printTable, round } from './lib/stats';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ACKS = Number(option('acks') ?? (quick ? 3_000 : 20_000));
const ENTRIES = Number(option('entries') ?? (quick ? 20_000 : 200_000));
const HOT_KEYS = 200;
const BACKENDS = (option('backends') ?? 'sqlite,scylla').split(',');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function heap(): Promise<number> {
  gc();
  await sleep(100);
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

const ids = new SnowflakeGenerator({ workerId: 30, processId: 30 });

/** K (user, channel, message) acks: spread over K distinct keys, or cycling over HOT_KEYS keys. */
function ackPlan(k: number, hot: boolean): { userId: string; channelId: string; messageId: string }[] {
  const keys = Array.from({ length: hot ? HOT_KEYS : k }, () => ({ userId: ids.next(), channelId: ids.next() }));
  return Array.from({ length: k }, (_, i) => ({ ...keys[i % keys.length]!, messageId: ids.next() }));
}

async function writeThrough(store: Store, plan: ReturnType<typeof ackPlan>): Promise<{ ms: number; writes: number }> {
  const start = performance.now();
  for (const ack of plan) {
    await store.readStates.upsertMany([{ userId: ack.userId, channelId: ack.channelId, lastMessageId: ack.messageId, mentionCount: 0, lastPinTimestamp: null }]);
  }
  return { ms: performance.now() - start, writes: plan.length };
}

async function cached(store: Store, plan: ReturnType<typeof ackPlan>): Promise<{ ms: number; writes: number; rows: number }> {
  const bus = new MemoryEventBus({ partitions: 1 });
  let rows = 0;
  const counting = { ...store.readStates, upsertMany: async (states: readonly ReadState[]) => void ((rows += states.length), await store.readStates.upsertMany(states)), get: store.readStates.get.bind(store.readStates), listByUser: store.readStates.listByUser.bind(store.readStates) };
  const cache = new ReadStateCache({ store: counting, maxEntries: 100_000, flushDelayMs: 1000, flushBatch: 500 });
  const service = new ReadStatesService({ cache, store: counting, guilds: store.guilds, bus, nextEventId: () => ids.next(), memberPageSize: 1000 });
  const start = performance.now();
  for (const ack of plan) await service.ack({ ...ack, sessionId: '' });
  await cache.close();
  const ms = performance.now() - start;
  await bus.close();
  return { ms, writes: cache.writes, rows };
}

async function memoryPerEntry(store: Store, n: number): Promise<{ cachedBytes: number; plainBytes: number }> {
  const states: ReadState[] = Array.from({ length: n }, () => ({ userId: ids.next(), channelId: ids.next(), lastMessageId: ids.next(), mentionCount: 1, lastPinTimestamp: null }));
  const loadFree = { ...store.readStates, get: async () => undefined };
  const before = await heap();
  const cache = new ReadStateCache({ store: loadFree, maxEntries: n + 1, flushDelayMs: 3_600_000, flushBatch: 500 });
  for (const s of states) await cache.update(s.userId, s.channelId, () => ({ ...s }));
  const filled = await heap();
  const plain = states.map((s) => ({ ...s }));
  const withPlain = await heap();
  const result = { cachedBytes: (filled - before) / n, plainBytes: (withPlain - filled) / n };
  if (cache.size !== n || plain.length !== n) throw new Error(`expected ${n} entries, cache has ${cache.size}`);
  return result;
}

await runBenchmark(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-read-states-'));
  onCleanup('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
  const loadBefore = loadAverage();
  console.log(`read-states: ${ACKS} acks per phase (each awaited), ${ENTRIES} entries for memory; stores ${BACKENDS.join(', ')}; load average ${loadBefore.join(' ')}`);

  const rows: unknown[][] = [];
  const results: Record<string, unknown>[] = [];
  let memoryStore: Store | undefined;
  for (const backend of BACKENDS) {
    let store: Store;
    if (backend === 'sqlite') {
      store = await openStore({ backend: 'sqlite', path: join(dir, 'chat.db') });
      onCleanup('sqlite store', () => store.close());
      memoryStore = store;
    } else if (backend === 'scylla') {
      const cassandra = await acquireCassandra('read-states');
      store = (await openBenchKeyspace(cassandra, 'read_states')).store;
    } else throw new Error(`unknown backend ${backend}: sqlite or scylla`);
    // Scylla: a tenth of the acks for the write-through phase would do, but the same count keeps the comparison plain.
    for (const pattern of ['spread', 'hot'] as const) {
      const baseline = await writeThrough(store, ackPlan(ACKS, pattern === 'hot'));
      const ours = await cached(store, ackPlan(ACKS, pattern === 'hot'));
      const baselineRate = (ACKS / baseline.ms) * 1000;
      const oursRate = (ACKS / ours.ms) * 1000;
      results.push({
        store: backend,
        pattern,
        acks: ACKS,
        write_through_acks_per_s: round(baselineRate, 0),
        write_through_store_writes: baseline.writes,
        cached_acks_per_s: round(oursRate, 0),
        cached_store_writes: ours.writes,
        cached_rows_written: ours.rows,
        speedup: round(oursRate / baselineRate, 2),
      });
      rows.push([backend, pattern, ACKS, round(baselineRate, 0), baseline.writes, round(oursRate, 0), ours.writes, ours.rows, `${round(oursRate / baselineRate, 2)}x`]);
    }
  }
  printTable(['store', 'acks', 'n', 'write-through acks/s', 'store writes', 'cached acks/s', 'store writes', 'rows written', 'cached vs write-through'], rows);

  const memory = await memoryPerEntry(memoryStore ?? (await openStore({ backend: 'sqlite', path: ':memory:' })), ENTRIES);
  console.log('');
  printTable(
    ['entries', 'bytes per cached entry', 'bytes per plain ReadState', 'cache overhead'],
    [[ENTRIES, round(memory.cachedBytes, 0), round(memory.plainBytes, 0), `${round(memory.cachedBytes / memory.plainBytes, 2)}x`]],
  );
  const loadAfter = loadAverage();
  console.log(`load average after: ${loadAfter.join(' ')}`);
  writeResults('read-states', {
    machine: machine(),
    load_average: { before: loadBefore, after: loadAfter },
    acks: results,
    memory: { entries: ENTRIES, bytes_per_cached_entry: round(memory.cachedBytes, 0), bytes_per_plain_read_state: round(memory.plainBytes, 0), overhead_ratio: round(memory.cachedBytes / memory.plainBytes, 2) },
  });
});
