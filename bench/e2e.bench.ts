/**
 * e2e: S sessions listening in one guild, M messages sent through the REST
 * API with C requests in flight. How many messages per second does the whole
 * path take (REST, data service over gRPC, SQLite, guild actor, relay,
 * sockets), how long do the POSTs and the deliveries take, and does every
 * session get every message?
 *
 * - The whole server runs in this process, as in the fanout benchmark (every
 *   module, SQLite in a temp dir seeded
 *   through @chat/store before the server starts: lib/fanout-seed.ts), with
 *   CHAT_GUILD_PASSIVE_THRESHOLD raised so every session is active.
 * - The S listeners run in one child process (lib/e2e-listeners.ts); each
 *   records when it received each message (matched by its content).
 * - The REST client runs in a second child process (lib/e2e-senders.ts), so
 *   the server process does only the server's work.
 * - Senders are other seeded members that are not connected; message i of a
 *   phase goes out as sender i mod K, with K = max(C, ceil(M / 4)) and a
 *   fresh set of K senders per phase, so no sender passes the REST limit of
 *   5 messages per 5 s (429s are still waited out, retried and counted).
 * - S = 0 is the baseline: the same M and C with nobody listening (REST and
 *   storage only). messages/s of every row is also given relative to it.
 *
 * Any missing delivery of an accepted (200) message is printed and makes the
 * run exit 1. A POST answered with another error (e.g. 504 when the data
 * service misses its deadline under load) is counted per status, not retried,
 * and its message is not expected; deliveries of it are counted apart.
 *
 *   npm run bench -- e2e [--quick] [--sessions=0,100,1000] [--messages=500] [--concurrency=1,16,64]
 *
 * Writes bench/results/e2e.json (e2e-quick.json with --quick).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@chat/modules';
import { allModules } from '../apps/server/src/modules';
import { ChildClients } from './lib/child-clients';
import { onCleanup, runBenchmark } from './lib/cleanup';
import type { ListenerReport } from './lib/e2e-listeners';
import type { Sent } from './lib/e2e-senders';
import { seedFanoutGuild } from './lib/fanout-seed';
import { writeResults } from './lib/results';
import { loadAverage, machine, percentile, printTable, round } from './lib/stats';
import { EPHEMERAL_PORTS } from '../apps/server/src/testing/ephemeral-ports';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (value: string) => value.split(',').map(Number);
const SESSIONS = [...new Set([0, ...list(option('sessions') ?? (quick ? '100' : '100,1000'))])].sort((a, b) => a - b);
const MESSAGES = Number(option('messages') ?? (quick ? 100 : 500));
const CONCURRENCY = list(option('concurrency') ?? '1,16,64');
const SENDS_PER_SENDER = 4;
const CONNECT_CONCURRENCY = 100;
const IDLE_MS = 5_000;

const now = () => performance.timeOrigin + performance.now();
const sendersPerPhase = (c: number) => Math.max(c, Math.ceil(MESSAGES / SENDS_PER_SENDER));

interface PhaseResult {
  sessions: number;
  concurrency: number;
  messages: number;
  senders: number;
  send_wall_ms: number;
  messages_per_s: number;
  messages_per_s_vs_baseline?: number;
  rest_p50_ms: number;
  rest_p99_ms: number;
  rate_limited_429: number;
  /** Non-2xx answers other than 429, by status (those messages are not expected to be delivered). */
  rest_errors: Record<number, number>;
  accepted: number;
  deliveries_expected: number;
  deliveries_seen: number;
  deliveries_missing: number;
  duplicates: number;
  /** Deliveries of messages whose POST failed (e.g. 504 after the write had happened). */
  deliveries_of_failed_posts: number;
  delivery_p50_ms?: number;
  delivery_p99_ms?: number;
  delivery_max_ms?: number;
  to_last_p50_ms?: number;
  to_last_p99_ms?: number;
  missing_sample?: [number, number][];
}

/** One server with `sessions` listeners; one phase per concurrency. */
async function runSessions(sessions: number): Promise<PhaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  const removeDir = onCleanup('remove e2e sqlite dir', async () => rmSync(dir, { recursive: true, force: true }));
  const senderCounts = CONCURRENCY.map(sendersPerPhase);
  const seeded = await seedFanoutGuild(join(dir, 'chat.db'), sessions + senderCounts.reduce((a, b) => a + b, 0));
  console.log(`S=${sessions}: seeded ${seeded.memberTokens.length} members (${sessions} listeners, ${senderCounts.join(' + ')} senders) in ${Math.round(seeded.seedMs)} ms`);
  const server = await startServer({
    definitions: allModules,
    argv: [],
    handleSignals: false,
    env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: join(dir, 'chat.db'), CHAT_LOG_LEVEL: 'error', CHAT_GUILD_PASSIVE_THRESHOLD: '1000000' },
  });
  const stop = onCleanup('stop server', async () => {
    await server.shutdown('bench');
  });
  let clients: ChildClients | undefined;
  const closeClients = onCleanup('stop listeners', async () => clients?.close());
  const senders = await ChildClients.start(fileURLToPath(new URL('./lib/e2e-senders.ts', import.meta.url)));
  const closeSenders = onCleanup('stop senders', () => senders.close());
  const results: PhaseResult[] = [];
  try {
    const url = `${server.endpoints.api}/v10/channels/${seeded.channelId}/messages`;
    if (sessions > 0) {
      clients = await ChildClients.start(fileURLToPath(new URL('./lib/e2e-listeners.ts', import.meta.url)));
      clients.send({ type: 'open', url: `${server.endpoints.gateway}/?v=10&encoding=json`, tokens: seeded.memberTokens.slice(0, sessions), concurrency: CONNECT_CONCURRENCY });
      const opened = await clients.next<{ count: number; ms: number }>('opened', 15 * 60_000);
      console.log(`S=${sessions}: ${opened.count} sessions identified and got GUILD_CREATE in ${Math.round(opened.ms)} ms`);
    }
    // Warm-up: two messages by the owner through the same path, delivered and collected, not counted.
    await phase(senders, clients, url, [seeded.ownerToken], 2, 1, `e2e warm-up S=${sessions} #`);
    let offset = sessions;
    for (const [k, c] of CONCURRENCY.entries()) {
      const tokens = seeded.memberTokens.slice(offset, offset + (senderCounts[k] ?? 0));
      offset += tokens.length;
      const { sent, report } = await phase(senders, clients, url, tokens, MESSAGES, c, `e2e S=${sessions} C=${c} #`);
      const row: PhaseResult = {
        sessions,
        concurrency: c,
        messages: MESSAGES,
        senders: tokens.length,
        send_wall_ms: round(sent.wallMs, 1),
        messages_per_s: round((MESSAGES - sent.failed.length) / (sent.wallMs / 1000), 1),
        rest_p50_ms: round(percentile(sent.restMs, 50)),
        rest_p99_ms: round(percentile(sent.restMs, 99)),
        rate_limited_429: sent.limited,
        rest_errors: sent.errors,
        accepted: MESSAGES - sent.failed.length,
        deliveries_expected: sessions * (MESSAGES - sent.failed.length),
        deliveries_seen: report?.seen ?? 0,
        deliveries_missing: report?.missing ?? 0,
        duplicates: report?.duplicates ?? 0,
        deliveries_of_failed_posts: report?.seenOfFailed ?? 0,
        ...(report
          ? {
              delivery_p50_ms: round(report.latencyP50Ms),
              delivery_p99_ms: round(report.latencyP99Ms),
              delivery_max_ms: round(report.latencyMaxMs),
              to_last_p50_ms: round(report.toLastP50Ms),
              to_last_p99_ms: round(report.toLastP99Ms),
              ...(report.missing > 0 ? { missing_sample: report.missingSample } : {}),
            }
          : {}),
      };
      console.log(`S=${sessions} C=${c}: ${row.messages_per_s} messages/s, REST p50 ${row.rest_p50_ms} ms, ${row.deliveries_seen}/${row.deliveries_expected} deliveries, ${row.rate_limited_429} x 429`);
      if (sent.failed.length > 0) console.error(`S=${sessions} C=${c}: ${sent.failed.length} POSTs failed: ${JSON.stringify(sent.errors)}`);
      if (row.deliveries_missing > 0) console.error(`S=${sessions} C=${c}: LOST ${row.deliveries_missing} deliveries, e.g. [session, message] ${JSON.stringify(report?.missingSample)}`);
      results.push(row);
    }
  } finally {
    await closeClients();
    await closeSenders();
    await stop();
    await removeDir();
  }
  return results;
}

/** Arms the listeners, sends, waits until every delivery arrived (or IDLE_MS without one), and gets their report. */
async function phase(senders: ChildClients, clients: ChildClients | undefined, url: string, tokens: readonly string[], count: number, concurrency: number, prefix: string): Promise<{ sent: Sent; report: ListenerReport | undefined }> {
  if (clients) {
    clients.send({ type: 'arm', prefix, messages: count });
    await clients.next('armed', 30_000);
  }
  senders.send({ type: 'send', url, tokens, count, concurrency, prefix });
  const sent = await senders.next<Sent>('sent', 30 * 60_000);
  if (!clients) return { sent, report: undefined };
  clients.send({ type: 'collect', idleMs: IDLE_MS, timeoutMs: 10 * 60_000, skip: sent.failed });
  await clients.next('collected', 11 * 60_000);
  clients.send({ type: 'report', starts: sent.starts });
  return { sent, report: await clients.next<ListenerReport>('report', 60_000) };
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const started = now();
  const results: PhaseResult[] = [];
  for (const s of SESSIONS) results.push(...(await runSessions(s)));
  const loadAfter = loadAverage();
  for (const r of results) {
    const baseline = results.find((b) => b.sessions === 0 && b.concurrency === r.concurrency);
    if (baseline) r.messages_per_s_vs_baseline = round(r.messages_per_s / baseline.messages_per_s);
  }
  const missing = results.reduce((sum, r) => sum + r.deliveries_missing, 0);
  const limited = results.reduce((sum, r) => sum + r.rate_limited_429, 0);
  const failedPosts = results.reduce((sum, r) => sum + (r.messages - r.accepted), 0);
  console.log(`\ne2e: S listening sessions, M=${MESSAGES} REST messages per row with C in flight; S=0 is the baseline (nobody listening)`);
  console.log(`load average (1/5/15 min): ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after; ${Math.round((now() - started) / 1000)} s in all\n`);
  printTable(
    ['S', 'C', 'messages/s', 'vs S=0', 'REST p50 ms', 'REST p99 ms', '429s', 'failed POSTs', 'delivery p50 ms', 'delivery p99 ms', 'to last p99 ms', 'delivered'],
    results.map((r) => [
      r.sessions,
      r.concurrency,
      r.messages_per_s,
      r.messages_per_s_vs_baseline === undefined ? '-' : `${r.messages_per_s_vs_baseline}x`,
      r.rest_p50_ms,
      r.rest_p99_ms,
      r.rate_limited_429,
      r.messages - r.accepted,
      r.delivery_p50_ms ?? '-',
      r.delivery_p99_ms ?? '-',
      r.to_last_p99_ms ?? '-',
      r.sessions === 0 ? '-' : `${r.deliveries_seen}/${r.deliveries_expected}`,
    ]),
  );
  console.log(`\n${missing === 0 ? 'every delivery of an accepted message arrived' : `LOST ${missing} deliveries of accepted messages`}; ${limited} POSTs answered 429 (waited out, retried); ${failedPosts} POSTs failed (not retried)`);
  writeResults(quick ? 'e2e-quick' : 'e2e', {
    benchmark: 'e2e',
    quick,
    sessions: SESSIONS,
    messages_per_row: MESSAGES,
    concurrency: CONCURRENCY,
    senders: `per row max(C, ceil(M / ${SENDS_PER_SENDER})) seeded members, a fresh set per row, message i sent by sender i mod K`,
    timing: 'epoch ms (performance.timeOrigin + performance.now()) in the sender and listener child processes; messages_per_s = accepted messages / wall time from the first POST start to the last response; delivery = from the start of the accepted POST to each listener receipt, all sessions and messages pooled; to_last = per message, until the last session had it',
    date: new Date().toISOString(),
    load_average: { before: loadBefore, after: loadAfter },
    machine: machine(),
    deliveries_missing: missing,
    rate_limited_429: limited,
    failed_posts: failedPosts,
    results,
  });
  if (missing > 0) process.exitCode = 1;
}

await runBenchmark(main);
