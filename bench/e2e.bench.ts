/**
 * e2e: S sessions listening in one guild, M messages sent through the REST
 * API with C requests in flight. How many messages per second does the whole
 * path take (REST, data service over gRPC, SQLite, guild actor, relay,
 * sockets), how long do the POSTs and the deliveries take, and does every
 * session get every message?
 *
 * - The whole server runs in this process, as in the fanout benchmark (every
 *   module, CHAT_GATEWAY_GUILDS guild-service, SQLite in a temp dir seeded
 *   through @chat/store before the server starts: lib/fanout-seed.ts), with
 *   CHAT_GUILD_PASSIVE_THRESHOLD raised so every session is active.
 * - The S listeners run in one child process (lib/e2e-listeners.ts); each
 *   records when it received each message (matched by its content).
 * - Senders are other seeded members that are not connected; message i of a
 *   phase goes out as sender i mod K, with K = max(C, ceil(M / 4)) and a
 *   fresh set of K senders per phase, so no sender passes the REST limit of
 *   5 messages per 5 s (429s are still waited out, retried and counted).
 * - S = 0 is the baseline: the same M and C with nobody listening (REST and
 *   storage only). messages/s of every row is also given relative to it.
 *
 * Any missing delivery is printed and makes the run exit 1.
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
import { seedFanoutGuild } from './lib/fanout-seed';
import { writeResults } from './lib/results';
import { loadAverage, machine, percentile, printTable, round } from './lib/stats';

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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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
  deliveries_expected: number;
  deliveries_seen: number;
  deliveries_missing: number;
  duplicates: number;
  delivery_p50_ms?: number;
  delivery_p99_ms?: number;
  delivery_max_ms?: number;
  to_last_p50_ms?: number;
  to_last_p99_ms?: number;
  missing_sample?: [number, number][];
}

interface Sent { starts: number[]; restMs: number[]; limited: number; wallMs: number }

/** Posts `count` messages `<prefix><i>` with `concurrency` in flight, message i as tokens[i % tokens.length]. */
async function sendAll(url: string, tokens: readonly string[], count: number, concurrency: number, prefix: string): Promise<Sent> {
  const starts = new Array<number>(count).fill(Number.NaN);
  const restMs: number[] = [];
  let limited = 0;
  let next = 0;
  const began = now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const token = tokens[i % tokens.length] ?? '';
        for (;;) {
          const t0 = now();
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ content: `${prefix}${i}` }) });
          const body = (await response.json()) as { retry_after?: number };
          if (response.status === 429) {
            limited++;
            await sleep(Math.ceil((body.retry_after ?? 1) * 1000));
            continue;
          }
          if (response.status !== 200) throw new Error(`POST message ${prefix}${i}: ${response.status} ${JSON.stringify(body)}`);
          starts[i] = t0;
          restMs.push(now() - t0);
          break;
        }
      }
    }),
  );
  return { starts, restMs, limited, wallMs: now() - began };
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
    env: { ...process.env, CHAT_GRPC_PORT: '0', CHAT_OPS_PORT: '0', CHAT_HTTP_PORT: '0', CHAT_SQLITE_PATH: join(dir, 'chat.db'), CHAT_LOG_LEVEL: 'error', CHAT_GATEWAY_GUILDS: 'guild-service', CHAT_GUILD_PASSIVE_THRESHOLD: '1000000' },
  });
  const stop = onCleanup('stop server', async () => {
    await server.shutdown('bench');
  });
  let clients: ChildClients | undefined;
  const closeClients = onCleanup('stop listeners', async () => clients?.close());
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
    await phase(clients, url, [seeded.ownerToken], 2, 1, `e2e warm-up S=${sessions} #`);
    let offset = sessions;
    for (const [k, c] of CONCURRENCY.entries()) {
      const senders = seeded.memberTokens.slice(offset, offset + (senderCounts[k] ?? 0));
      offset += senders.length;
      const { sent, report } = await phase(clients, url, senders, MESSAGES, c, `e2e S=${sessions} C=${c} #`);
      const row: PhaseResult = {
        sessions,
        concurrency: c,
        messages: MESSAGES,
        senders: senders.length,
        send_wall_ms: round(sent.wallMs, 1),
        messages_per_s: round(MESSAGES / (sent.wallMs / 1000), 1),
        rest_p50_ms: round(percentile(sent.restMs, 50)),
        rest_p99_ms: round(percentile(sent.restMs, 99)),
        rate_limited_429: sent.limited,
        deliveries_expected: sessions * MESSAGES,
        deliveries_seen: report?.seen ?? 0,
        deliveries_missing: report?.missing ?? 0,
        duplicates: report?.duplicates ?? 0,
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
      if (row.deliveries_missing > 0) console.error(`S=${sessions} C=${c}: LOST ${row.deliveries_missing} deliveries, e.g. [session, message] ${JSON.stringify(report?.missingSample)}`);
      results.push(row);
    }
  } finally {
    await closeClients();
    await stop();
    await removeDir();
  }
  return results;
}

/** Arms the listeners, sends, waits until every delivery arrived (or IDLE_MS without one), and gets their report. */
async function phase(clients: ChildClients | undefined, url: string, tokens: readonly string[], count: number, concurrency: number, prefix: string): Promise<{ sent: Sent; report: ListenerReport | undefined }> {
  if (clients) {
    clients.send({ type: 'arm', prefix, messages: count });
    await clients.next('armed', 30_000);
  }
  const sent = await sendAll(url, tokens, count, concurrency, prefix);
  if (!clients) return { sent, report: undefined };
  clients.send({ type: 'collect', idleMs: IDLE_MS, timeoutMs: 10 * 60_000 });
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
  console.log(`\ne2e: S listening sessions, M=${MESSAGES} REST messages per row with C in flight; S=0 is the baseline (nobody listening)`);
  console.log(`load average (1/5/15 min): ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after; ${Math.round((now() - started) / 1000)} s in all\n`);
  printTable(
    ['S', 'C', 'messages/s', 'vs S=0', 'REST p50 ms', 'REST p99 ms', '429s', 'delivery p50 ms', 'delivery p99 ms', 'to last p99 ms', 'delivered'],
    results.map((r) => [
      r.sessions,
      r.concurrency,
      r.messages_per_s,
      r.messages_per_s_vs_baseline === undefined ? '-' : `${r.messages_per_s_vs_baseline}x`,
      r.rest_p50_ms,
      r.rest_p99_ms,
      r.rate_limited_429,
      r.delivery_p50_ms ?? '-',
      r.delivery_p99_ms ?? '-',
      r.to_last_p99_ms ?? '-',
      r.sessions === 0 ? '-' : `${r.deliveries_seen}/${r.deliveries_expected}`,
    ]),
  );
  console.log(missing === 0 ? `\nevery delivery arrived; ${limited} POSTs answered 429` : `\nLOST ${missing} deliveries; ${limited} POSTs answered 429`);
  writeResults(quick ? 'e2e-quick' : 'e2e', {
    benchmark: 'e2e',
    quick,
    sessions: SESSIONS,
    messages_per_row: MESSAGES,
    concurrency: CONCURRENCY,
    senders: `per row max(C, ceil(M / ${SENDS_PER_SENDER})) seeded members, a fresh set per row, message i sent by sender i mod K`,
    timing: 'epoch ms (performance.timeOrigin + performance.now()) in both processes; messages_per_s = M / wall time from the first POST start to the last response; delivery = from the start of the accepted POST to each listener receipt, all sessions and messages pooled; to_last = per message, until the last session had it',
    date: new Date().toISOString(),
    load_average: { before: loadBefore, after: loadAfter },
    machine: machine(),
    deliveries_missing: missing,
    rate_limited_429: limited,
    results,
  });
  if (missing > 0) process.exitCode = 1;
}

await runBenchmark(main);
