/**
 * fanout: one guild, N connected sessions on loopback, one message posted,
 * how fast does every session have it? Compared in the same run, for the
 * same N, with a Socket.IO room broadcast and with the ws library sending
 * one shared buffer to every socket (the practical ceiling of a Node
 * WebSocket server on this machine).
 *
 * - ours: the whole server in this process (every module, SQLite file in a temp dir seeded through @chat/store
 *   before the server starts: see lib/fanout-seed.ts), N real WebSocket
 *   clients that IDENTIFY (GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT) and
 *   wait for GUILD_CREATE, then M messages posted over REST by the owner,
 *   the POST sent from the clients' process (node:http, kept alive) as a
 *   real sender's is, not by an HTTP client in the server's own process.
 *   CHAT_GUILD_PASSIVE_THRESHOLD is raised so every session is active (a
 *   passive session would not get MESSAGE_CREATE: that would not be fan-out).
 * - socketio: a socket.io 4 server here, socket.io-client clients (websocket
 *   transport), every socket in one room, one `io.to(room).emit` per message.
 * - ws: a ws WebSocketServer here, `ws.send(sameBuffer)` to every client.
 *
 * All clients run in one child process (lib/fanout-clients.ts) so their
 * memory and CPU are not the server's; every client JSON-parses each frame
 * and the socketio / ws payload is the same MESSAGE_CREATE frame text our
 * gateway sent (new content marker). Times are epoch ms with sub-ms
 * resolution (performance.timeOrigin + now) taken in both processes: from
 * just before the POST / emit / send loop to the last client's receipt.
 * rss_bytes_per_session: server process RSS after all N are connected minus
 * RSS before the first connection (both after a forced GC), divided by N.
 *
 * Schedule: when every system's N sockets fit in the process at once
 * (N x systems <= 15 000), all systems stay connected and their rounds
 * alternate (the order rotated each round), so each system sees the same
 * machine load; above that, or with --sequential, one system runs after
 * the other. Each result records its schedule.
 *
 *   npm run bench -- fanout [--quick] [--sizes=1000,10000] [--messages=20] [--systems=ours,socketio,ws] [--sequential]
 *
 * Writes bench/results/fanout.json (fanout-quick.json with --quick).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
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
const SIZES = (option('sizes') ?? (quick ? '200,1000' : '1000,10000')).split(',').map(Number);
const MESSAGES = Number(option('messages') ?? (quick ? 10 : 20));
/** Which systems to run (all three by default); e.g. --systems=ours for profiling our server alone. */
const SYSTEMS = (option('systems') ?? 'ours,socketio,ws').split(',');
const ROUND_TIMEOUT_MS = 60_000;
const CONNECT_CONCURRENCY = 100;
type System = 'ours' | 'socketio' | 'ws';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settled memory: RSS and JS heap + external (Buffers) after two forced GCs with a pause between. */
async function rss(): Promise<{ rss: number; heap: number }> {
  gc();
  await sleep(200);
  gc();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

/** The child process holding every client, with a typed request/response over IPC. */
class Clients {
  private readonly inbox: any[] = [];
  private wake: (() => void) | undefined;
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message) => {
      this.inbox.push(message);
      this.wake?.();
    });
  }

  static async start(): Promise<Clients> {
    const child = fork(fileURLToPath(new URL('./lib/fanout-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx', '--max-old-space-size=8192'], stdio: 'inherit' });
    const clients = new Clients(child);
    await clients.next('started', 30_000);
    return clients;
  }

  /** The next message of `type` (an 'error' message from the child throws). */
  async next(type: string, timeoutMs: number): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (index >= 0) {
        const [message] = this.inbox.splice(index, 1);
        if (message.type === 'error') throw new Error(`clients: ${String(message.message)}`);
        return message;
      }
      if (Date.now() > deadline) throw new Error(`clients: no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 500);
      });
    }
  }

  send(message: unknown): void {
    this.child.send(message as never);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.send({ type: 'close' });
    await Promise.race([once(this.child, 'exit'), sleep(10_000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface RoundResult { toLastMs: number; toFirstMs: number; received: number; sample?: string }

/** Arms the clients for `marker`, runs `trigger` (which returns its start time), and waits for every receipt. */
async function measureRound(clients: Clients, marker: string, trigger: () => Promise<number>): Promise<RoundResult> {
  clients.send({ type: 'expect', marker, timeoutMs: ROUND_TIMEOUT_MS });
  await clients.next('armed', 10_000);
  const t0 = await trigger();
  const got = await clients.next('received', ROUND_TIMEOUT_MS + 10_000);
  return { toLastMs: got.last - t0, toFirstMs: got.first - t0, received: got.count, sample: got.sample };
}

interface SystemResult {
  n: number;
  system: System;
  connected: number;
  connect_ms: number;
  messages: number;
  deliveries_expected: number;
  deliveries: number;
  deliveries_per_s: number;
  p50_ms: number;
  p99_ms: number;
  first_delivery_p50_ms: number;
  rss_bytes_per_session: number;
  heap_bytes_per_session: number;
  rss_before_bytes: number;
  rss_after_bytes: number;
  detail?: Record<string, unknown>;
}

function summarise(n: number, system: System, connected: number, connectMs: number, rounds: RoundResult[], before: { rss: number; heap: number }, after: { rss: number; heap: number }, detail?: Record<string, unknown>): SystemResult {
  const toLast = rounds.map((r) => r.toLastMs);
  const delivered = rounds.reduce((sum, r) => sum + r.received, 0);
  const totalS = toLast.reduce((sum, ms) => sum + ms, 0) / 1000;
  // Progress line per system, so a long run shows its figures before the final table.
  console.log(`${system} n=${n}: ${delivered}/${rounds.length * n} delivered, ${Math.round(delivered / totalS)} deliveries/s, p50 to last ${round(percentile(toLast, 50))} ms, p99 ${round(percentile(toLast, 99))} ms; load ${loadAverage().join(' ')}`);
  return {
    n,
    system,
    connected,
    connect_ms: Math.round(connectMs),
    messages: rounds.length,
    deliveries_expected: rounds.length * n,
    deliveries: delivered,
    deliveries_per_s: Math.round(delivered / totalS),
    p50_ms: round(percentile(toLast, 50)),
    p99_ms: round(percentile(toLast, 99)),
    first_delivery_p50_ms: round(percentile(rounds.map((r) => r.toFirstMs), 50)),
    rss_bytes_per_session: Math.round((after.rss - before.rss) / n),
    heap_bytes_per_session: Math.round((after.heap - before.heap) / n),
    rss_before_bytes: before.rss,
    rss_after_bytes: after.rss,
    ...(detail ? { detail } : {}),
  };
}

/**
 * One system under test at one N: connects its clients, then triggers one
 * message per round. `warmUp` runs the uncounted first round.
 */
interface Contender {
  readonly system: System;
  readonly clients: Clients;
  readonly connected: number;
  readonly connectMs: number;
  readonly before: { rss: number; heap: number };
  readonly after: { rss: number; heap: number };
  /** Sends one message carrying `marker`; resolves with the epoch ms just before it was sent. */
  trigger(marker: string): Promise<number>;
  /** Extra figures for the JSON. */
  detail(): Record<string, unknown>;
  stop(): Promise<void>;
}

/** Our server with n seeded members connected. */
async function startOurs(n: number): Promise<Contender> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  const removeDir = onCleanup('remove fanout sqlite dir', async () => rmSync(dir, { recursive: true, force: true }));
  const seeded = await seedFanoutGuild(join(dir, 'chat.db'), n);
  console.log(`ours n=${n}: seeded ${n} users + tokens + members through @chat/store in ${Math.round(seeded.seedMs)} ms`);
  const server = await startServer({
    definitions: allModules,
    argv: [],
    handleSignals: false,
    env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: join(dir, 'chat.db'), CHAT_LOG_LEVEL: 'error', CHAT_GUILD_PASSIVE_THRESHOLD: '1000000' },
  });
  const stopServer = onCleanup('stop server', async () => {
    await server.shutdown('bench');
  });
  const clients = await Clients.start();
  const closeClients = onCleanup('stop clients', () => clients.close());
  const api = `${server.endpoints.api}/v10`;
  const gateway = `${server.endpoints.gateway}/?v=10&encoding=json`;
  const before = await rss();
  clients.send({ type: 'open', system: 'ours', url: gateway, count: n, tokens: seeded.memberTokens, concurrency: CONNECT_CONCURRENCY });
  const opened = await clients.next('opened', 15 * 60_000);
  const after = await rss();
  console.log(`ours n=${n}: ${opened.count} sessions identified and got GUILD_CREATE in ${Math.round(opened.ms)} ms`);
  let limited = 0;
  const postMs: number[] = [];
  return {
    system: 'ours',
    clients,
    connected: opened.count,
    connectMs: opened.ms,
    before,
    after,
    async trigger(marker) {
      for (;;) {
        // Sent from the clients' process (node:http, kept alive), as a real sender's POST would be: an HTTP
        // client in the server's own process would spend the server's event loop on the sender's work.
        clients.send({ type: 'post', url: `${api}/channels/${seeded.channelId}/messages`, headers: { 'content-type': 'application/json', authorization: seeded.ownerToken }, body: JSON.stringify({ content: marker }) });
        const posted = await clients.next('posted', 60_000);
        const body = posted.body as { retry_after?: number };
        if (posted.status === 429) {
          limited++;
          await sleep(Math.ceil((body.retry_after ?? 1) * 1000));
          continue;
        }
        if (posted.status !== 200) throw new Error(`POST message: ${posted.status} ${JSON.stringify(body)}`);
        postMs.push(posted.at - posted.t0);
        return posted.t0 as number;
      }
    },
    detail: () => ({
      seed_ms: Math.round(seeded.seedMs),
      users_seeded: 'through @chat/store (createUser, addToken, addMember) into the SQLite file before the server started',
      post_p50_ms: round(percentile(postMs, 50)),
      post_from: "the clients' child process, node:http with a kept-alive connection",
      rate_limited_posts_retried: limited,
      rss_note: 'server process RSS (every module in one process) after minus before the N sessions, after forced GC; clients in a child process',
    }),
    async stop() {
      await closeClients();
      await stopServer();
      await removeDir();
    },
  };
}

let sampleFrame: string | undefined;

/** The frame socketio and ws send: our MESSAGE_CREATE frame with the marker as content. */
function frameFor(marker: string): string {
  if (!sampleFrame) return JSON.stringify({ op: 0, s: 3, t: 'MESSAGE_CREATE', d: { content: marker } });
  const frame = JSON.parse(sampleFrame) as { d: { content: string } };
  frame.d.content = marker;
  return JSON.stringify(frame);
}

async function startSocketIo(n: number): Promise<Contender> {
  const http = createServer();
  const io = new SocketIoServer(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  io.on('connection', (socket) => {
    void socket.join('guild');
    socket.emit('joined');
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as { port: number }).port;
  const stopIo = onCleanup('stop socket.io', async () => {
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });
  const clients = await Clients.start();
  const closeClients = onCleanup('stop clients', () => clients.close());
  const before = await rss();
  clients.send({ type: 'open', system: 'socketio', url: `http://127.0.0.1:${port}`, count: n, concurrency: CONNECT_CONCURRENCY });
  const opened = await clients.next('opened', 15 * 60_000);
  const after = await rss();
  console.log(`socketio n=${n}: ${opened.count} sockets in the room in ${Math.round(opened.ms)} ms`);
  return {
    system: 'socketio',
    clients,
    connected: opened.count,
    connectMs: opened.ms,
    before,
    after,
    async trigger(marker) {
      const text = frameFor(marker);
      const t0 = now();
      io.to('guild').emit('m', text);
      return t0;
    },
    detail: () => ({ how: 'socket.io 4 room broadcast (websocket transport only), one emit per message' }),
    async stop() {
      await closeClients();
      await stopIo();
    },
  };
}

async function startWs(n: number): Promise<Contender> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  const stopWs = onCleanup('stop ws', async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  const clients = await Clients.start();
  const closeClients = onCleanup('stop clients', () => clients.close());
  const before = await rss();
  clients.send({ type: 'open', system: 'ws', url: `ws://127.0.0.1:${port}`, count: n, concurrency: CONNECT_CONCURRENCY });
  const opened = await clients.next('opened', 15 * 60_000);
  const after = await rss();
  console.log(`ws n=${n}: ${opened.count} sockets in ${Math.round(opened.ms)} ms`);
  return {
    system: 'ws',
    clients,
    connected: opened.count,
    connectMs: opened.ms,
    before,
    after,
    async trigger(marker) {
      const buffer = Buffer.from(frameFor(marker));
      const t0 = now();
      for (const socket of wss.clients) socket.send(buffer, { binary: false });
      return t0;
    },
    detail: () => ({ how: 'ws WebSocketServer, socket.send(sameBuffer) to every client in a loop' }),
    async stop() {
      await closeClients();
      await stopWs();
    },
  };
}

const starters: Record<System, (n: number) => Promise<Contender>> = { ours: startOurs, socketio: startSocketIo, ws: startWs };

/** One counted (or warm-up) round of `contender`; warns when a session missed the message. */
async function roundOf(contender: Contender, n: number, i: number): Promise<RoundResult> {
  const marker = `fanout ${contender.system} n=${n} #${i} ${Math.random().toString(36).slice(2)}`;
  const r = await measureRound(contender.clients, marker, () => contender.trigger(marker));
  if (contender.system === 'ours' && i === 0) sampleFrame ??= r.sample; // round 0 also supplies the frame the others send
  if (r.received < n) console.warn(`${contender.system} n=${n} #${i}: only ${r.received} of ${n} sessions got the message within ${ROUND_TIMEOUT_MS} ms`);
  return r;
}

function resultOf(n: number, contender: Contender, rounds: RoundResult[], schedule: string): SystemResult {
  return summarise(n, contender.system, contender.connected, contender.connectMs, rounds, contender.before, contender.after, { schedule, ...contender.detail() });
}

/**
 * Every system connected at once and their rounds alternated (round i: ours,
 * socketio, ws, the order rotated each round), so each system's rounds see
 * the same machine load: on a shared machine the load moves by 2x within
 * minutes, and one system's phase after another's compares two different
 * machines.
 */
async function runInterleaved(n: number, systems: System[]): Promise<SystemResult[]> {
  const contenders: Contender[] = [];
  try {
    for (const system of systems) contenders.push(await starters[system](n)); // ours first: its RSS delta is taken on a fresh process
    const rounds = new Map<Contender, RoundResult[]>(contenders.map((c) => [c, []]));
    for (const c of contenders) await roundOf(c, n, 0); // warm-up, not counted; ours' supplies the sample frame
    for (let i = 1; i <= MESSAGES; i++) {
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(i + k) % contenders.length] as Contender;
        rounds.get(c)?.push(await roundOf(c, n, i));
      }
    }
    return contenders.map((c) => resultOf(n, c, rounds.get(c) ?? [], 'interleaved: all systems connected, rounds alternated'));
  } finally {
    for (const c of contenders.reverse()) await c.stop();
  }
}

/** One system after the other (when all of them at once would need more descriptors than the process may open). */
async function runSequential(n: number, systems: System[]): Promise<SystemResult[]> {
  const results: SystemResult[] = [];
  for (const system of systems) {
    const c = await starters[system](n);
    try {
      const rounds: RoundResult[] = [];
      for (let i = 0; i <= MESSAGES; i++) {
        const r = await roundOf(c, n, i);
        if (i > 0) rounds.push(r);
      }
      results.push(resultOf(n, c, rounds, 'sequential: one system after the other'));
    } finally {
      await c.stop();
    }
  }
  return results;
}

/** Server-side descriptors all systems at once would hold; above this the run is sequential. */
const INTERLEAVE_MAX_SOCKETS = 15_000;

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const results: SystemResult[] = [];
  const systems = (['ours', 'socketio', 'ws'] as const).filter((s) => SYSTEMS.includes(s));
  for (const n of SIZES) {
    const interleave = !args.includes('--sequential') && n * systems.length <= INTERLEAVE_MAX_SOCKETS;
    results.push(...(interleave ? await runInterleaved(n, systems) : await runSequential(n, systems)));
  }
  const loadAfter = loadAverage();
  console.log(`\nfanout: one guild, N sessions on loopback, ${MESSAGES} messages per system (plus one warm-up); clients in a child process`);
  console.log(`payload: ${sampleFrame ? Buffer.byteLength(frameFor('x'.repeat(20))) : 'synthetic'} bytes per frame; load average (1/5/15 min): ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after\n`);
  const ceiling = (n: number) => results.find((r) => r.n === n && r.system === 'ws');
  printTable(
    ['N', 'system', 'delivered', 'deliveries/s', 'vs ws', 'p50 to last ms', 'p99 to last ms', 'p50 vs ws', 'first p50 ms', 'RSS/session', 'heap/session'],
    results.map((r) => {
      const ws = ceiling(r.n);
      return [
        r.n,
        r.system,
        `${r.deliveries}/${r.deliveries_expected}`,
        r.deliveries_per_s,
        ws ? `${round(r.deliveries_per_s / ws.deliveries_per_s)}x` : '-',
        r.p50_ms,
        r.p99_ms,
        ws ? `${round(r.p50_ms / ws.p50_ms)}x` : '-',
        r.first_delivery_p50_ms,
        `${round(r.rss_bytes_per_session / 1024, 1)} KiB`,
        `${round(r.heap_bytes_per_session / 1024, 1)} KiB`,
      ];
    }),
  );
  writeResults(`fanout${quick ? '-quick' : ''}${option('systems') ? `-${SYSTEMS.join('-')}` : ''}`, {
    benchmark: 'fanout',
    quick,
    sizes: SIZES,
    messages_per_system: MESSAGES,
    payload_bytes: Buffer.byteLength(frameFor('x'.repeat(20))),
    sample_frame: sampleFrame,
    timing: 'epoch ms (performance.timeOrigin + performance.now()) from just before the REST POST / emit / send loop to each client receipt, in the client child process; p50/p99 over messages of the time until the last session had the message',
    rss_method: 'RSS of the server process (this process; clients run in a child) after forced GC, after minus before connecting the N clients, divided by N. Meaningful for ours (measured first for each N, on a fresh server); socketio and ws run later in the same process, which keeps pages freed by earlier phases, so their RSS deltas can be near zero or negative: use heap_bytes_per_session (heapUsed + external after forced GC) to compare them',
    ulimit_nofile: 'the runner inherits the shell limit; N=10000 needs about 10 000 descriptors in each process',
    date: new Date().toISOString(),
    load_average: { before: loadBefore, after: loadAfter },
    machine: machine(),
    results,
  });
}

await runBenchmark(main);
