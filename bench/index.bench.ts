/**
 * index: the two search index adapters on the same documents in the same
 * run. SQLite FTS5 (the embedded default, a file in WAL mode) and
 * Elasticsearch (the real 9.2.0 of scripts/infra, one node on this machine,
 * a fresh index prefix, deleted at the end).
 *
 * 1. Indexing: D documents (seeded PRNG: a 2 000-word vocabulary with a
 *    Zipf-like skew, 4-40 words each, spread over G guild scopes x 8
 *    channels and 50 authors, a tenth with a link) in bulk batches of B (the
 *    indexer's default batch), each batch awaited: documents per second;
 *    then a refresh so everything is searchable.
 * 2. Search: Q queries per adapter, the same list for both, each awaited in
 *    turn: one or two content words (from the vocabulary, frequent and rare),
 *    a third of them with an author or channel filter, limit 25, newest
 *    first: p50 / p99 latency and the mean total_results (the two adapters
 *    must agree on totals, or the run fails).
 *
 *   npm run bench -- index [--quick] [--docs=100000] [--queries=500] [--batch=500] [--backends=sqlite,elasticsearch]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSnowflake } from '@chat/snowflake';
import { ElasticsearchSearchIndex, guildScope, SqliteSearchIndex, type MessageDocument, type SearchIndex, type SearchQuery } from '@chat/search-indexer';
import { seededRandom } from './lib/bench-messages';
import { acquireElasticsearch } from './lib/elasticsearch';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { writeResults } from './lib/results';
import { loadAverage, machine, percentile, printTable, round } from './lib/stats';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const DOCS = Number(option('docs') ?? (quick ? 10_000 : 100_000));
const QUERIES = Number(option('queries') ?? (quick ? 100 : 500));
const BATCH = Number(option('batch') ?? 500);
const BACKENDS = (option('backends') ?? 'sqlite,elasticsearch').split(',');
const GUILDS = 10;
const CHANNELS_PER_GUILD = 8;
const AUTHORS = 50;

const random = seededRandom(20261128);
const VOCABULARY = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}x`);
/** Zipf-like: low ranks are far more frequent. */
const word = () => VOCABULARY[Math.min(VOCABULARY.length - 1, Math.floor(VOCABULARY.length * random() ** 3))]!;
const guildIds = Array.from({ length: GUILDS }, (_, g) => composeSnowflake({ timestampMs: 1_700_000_000_000 + g, workerId: 1, processId: 1, increment: g }));
const channelIds = guildIds.map((_, g) => Array.from({ length: CHANNELS_PER_GUILD }, (_, c) => composeSnowflake({ timestampMs: 1_700_000_000_000 + g, workerId: 2, processId: 2, increment: g * 100 + c })));
const authorIds = Array.from({ length: AUTHORS }, (_, a) => composeSnowflake({ timestampMs: 1_700_000_000_000, workerId: 3, processId: 3, increment: a }));

function documents(): MessageDocument[] {
  const start = Date.now() - 30 * 24 * 3_600_000;
  return Array.from({ length: DOCS }, (_, i) => {
    const g = Math.floor(random() * GUILDS);
    const at = start + Math.floor((i / DOCS) * 30 * 24 * 3_600_000);
    const link = random() < 0.1;
    const words = Array.from({ length: 4 + Math.floor(random() * 37) }, word);
    return {
      scope: guildScope(guildIds[g]!),
      messageId: composeSnowflake({ timestampMs: at, workerId: 4, processId: 4, increment: i % 4096 }),
      channelId: channelIds[g]![Math.floor(random() * CHANNELS_PER_GUILD)]!,
      guildId: guildIds[g]!,
      authorId: authorIds[Math.floor(random() * AUTHORS)]!,
      content: `${words.join(' ')}${link ? ' https://example.com/x' : ''}`,
      mentionUserIds: [],
      has: link ? ['link'] : [],
      version: at,
    };
  });
}

function queries(): SearchQuery[] {
  return Array.from({ length: QUERIES }, (_, i) => {
    const g = Math.floor(random() * GUILDS);
    const terms = random() < 0.5 ? [word()] : [word(), word()];
    const filter = i % 3;
    return {
      scope: guildScope(guildIds[g]!),
      content: terms.join(' '),
      authorIds: filter === 1 ? [authorIds[Math.floor(random() * AUTHORS)]!] : [],
      channelIds: filter === 2 ? [channelIds[g]![Math.floor(random() * CHANNELS_PER_GUILD)]!] : [],
      mentionUserIds: [],
      has: [],
      offset: 0,
      limit: 25,
      sortBy: 'timestamp',
      sortOrder: 'desc',
    };
  });
}

async function measure(index: SearchIndex, docs: readonly MessageDocument[], qs: readonly SearchQuery[]) {
  const started = performance.now();
  for (let i = 0; i < docs.length; i += BATCH) await index.upsertMany(docs.slice(i, i + BATCH));
  await index.refresh();
  const indexMs = performance.now() - started;
  const counted = await index.countDocuments();
  if (counted !== docs.length) throw new Error(`${index.cell}: ${counted} documents indexed, expected ${docs.length}`);
  const latencies: number[] = [];
  const totals: number[] = [];
  for (const q of qs.slice(0, 10)) await index.search(q); // warm-up
  for (const q of qs) {
    const t = performance.now();
    const page = await index.search(q);
    latencies.push(performance.now() - t);
    totals.push(page.totalResults);
  }
  return { indexMs, docsPerS: (docs.length / indexMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), totals };
}

await runBenchmark(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-index-'));
  onCleanup('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
  const docs = documents();
  const qs = queries();
  const loadBefore = loadAverage();
  console.log(`index: ${DOCS} documents in batches of ${BATCH}, ${QUERIES} queries; ${BACKENDS.join(', ')}; load average ${loadBefore.join(' ')}`);
  const results: Record<string, unknown>[] = [];
  const rows: unknown[][] = [];
  let reference: { backend: string; totals: number[]; docsPerS: number; p50: number } | undefined;
  for (const backend of BACKENDS) {
    let index: SearchIndex;
    let detail: Record<string, unknown>;
    if (backend === 'sqlite') {
      index = new SqliteSearchIndex({ path: join(dir, 'search.db') });
      detail = { path: 'temp file, WAL' };
    } else if (backend === 'elasticsearch') {
      const es = await acquireElasticsearch('index');
      const prefix = `bench${Date.now().toString(36)}`;
      const elastic = new ElasticsearchSearchIndex({ cell: 'bench', url: es.url, indexPrefix: prefix, replicas: 0, requestTimeoutMs: 60_000 });
      await elastic.ensureIndices(); // as the search-indexer module does at start
      index = elastic;
      detail = { url: es.url, version: es.version, index_prefix: prefix, replicas: 0 };
      onCleanup('delete bench indices', async () => {
        await fetch(`${es.url}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
      });
    } else throw new Error(`unknown backend ${backend}: sqlite or elasticsearch`);
    const m = await measure(index, docs, qs);
    await index.close();
    if (reference && m.totals.some((t, i) => t !== reference!.totals[i])) {
      const i = m.totals.findIndex((t, j) => t !== reference!.totals[j]);
      throw new Error(`${backend} and ${reference.backend} disagree on total_results for query ${i} (${JSON.stringify(qs[i])}): ${m.totals[i]} vs ${reference.totals[i]}`);
    }
    reference ??= { backend, totals: m.totals, docsPerS: m.docsPerS, p50: m.p50 };
    const meanTotal = m.totals.reduce((a, b) => a + b, 0) / m.totals.length;
    results.push({ backend, ...detail, documents: DOCS, batch: BATCH, index_ms: round(m.indexMs, 0), docs_per_s: round(m.docsPerS, 0), docs_per_s_vs_first: round(m.docsPerS / reference.docsPerS, 2), queries: QUERIES, search_p50_ms: round(m.p50, 2), search_p99_ms: round(m.p99, 2), search_p50_vs_first: round(m.p50 / reference.p50, 2), mean_total_results: round(meanTotal, 1) });
    rows.push([backend, DOCS, round(m.docsPerS, 0), `${round(m.docsPerS / reference.docsPerS, 2)}x`, round(m.p50, 2), round(m.p99, 2), `${round(m.p50 / reference.p50, 2)}x`, round(meanTotal, 1)]);
  }
  printTable(['index', 'docs', 'docs/s', 'vs first', 'search p50 ms', 'search p99 ms', 'p50 vs first', 'mean total_results'], rows);
  const loadAfter = loadAverage();
  console.log(`load average after: ${loadAfter.join(' ')}`);
  writeResults(quick ? 'index-quick' : 'index', { machine: machine(), load_average: { before: loadBefore, after: loadAfter }, results });
});
