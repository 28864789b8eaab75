/**
 * The listening side of the e2e benchmark, run as a child process (its CPU
 * and memory are not the server's): opens N gateway sessions (HELLO,
 * IDENTIFY, GUILD_CREATE, heartbeats), then records, for every session and
 * every message of a phase, when the MESSAGE_CREATE arrived. A message is
 * recognised by its content `<prefix><index>`; every frame is JSON-parsed,
 * as a real client would.
 *
 * Messages from the parent (bench/e2e.bench.ts, through ChildClients):
 * - { type: 'open', url, tokens, concurrency } -> { type: 'opened', count, ms }
 * - { type: 'arm', prefix, messages } -> { type: 'armed' }
 * - { type: 'collect', idleMs, timeoutMs, skip } -> { type: 'collected', seen, expected }
 *   once every session has every message not in `skip` (those whose POST
 *   failed), or after idleMs without a new receipt
 * - { type: 'report', starts } (epoch ms per message index, null when its POST
 *   failed) -> { type: 'report', ... }
 * - { type: 'close' } -> exits
 */
import { WebSocket } from 'ws';
import { percentile } from './stats';

interface OpenCommand { type: 'open'; url: string; tokens: string[]; concurrency: number }
interface ArmCommand { type: 'arm'; prefix: string; messages: number }
interface CollectCommand { type: 'collect'; idleMs: number; timeoutMs: number; skip: number[] }
interface ReportCommand { type: 'report'; starts: (number | null)[] }
type Command = OpenCommand | ArmCommand | CollectCommand | ReportCommand | { type: 'close' };

/** What the child reports for one phase. Latencies are epoch-ms differences (receipt minus POST start). */
export interface ListenerReport {
  type: 'report';
  sessions: number;
  messages: number;
  expected: number;
  /** Deliveries of accepted messages (the POST answered 200). */
  seen: number;
  /** Deliveries of messages whose POST failed. */
  seenOfFailed: number;
  duplicates: number;
  missing: number;
  /** Up to 10 missing deliveries as [session index, message index]. */
  missingSample: [number, number][];
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Per message, time from POST start until the last session had it: p50 / p99. */
  toLastP50Ms: number;
  toLastP99Ms: number;
}

const send = (message: unknown) => process.send?.(message);
/** Epoch milliseconds with sub-millisecond resolution, comparable with the parent's clock. */
const now = () => performance.timeOrigin + performance.now();

const sockets: WebSocket[] = [];
const heartbeats: NodeJS.Timeout[] = [];
let phase: { prefix: string; messages: number; times: Float64Array; perMessage: Int32Array; skip: Set<number>; seen: number; target: number; duplicates: number; lastAt: number } | undefined;
let collecting: { idleMs: number; deadline: number; timer: NodeJS.Timeout } | undefined;

function onMessageCreate(session: number, content: unknown): void {
  if (!phase || typeof content !== 'string' || !content.startsWith(phase.prefix)) return;
  const index = Number(content.slice(phase.prefix.length));
  if (!Number.isInteger(index) || index < 0 || index >= phase.messages) return;
  const at = now();
  const slot = session * phase.messages + index;
  if (!Number.isNaN(phase.times[slot] ?? 0)) {
    phase.duplicates += 1;
    return;
  }
  phase.times[slot] = at;
  phase.perMessage[index] = (phase.perMessage[index] ?? 0) + 1;
  if (!phase.skip.has(index)) phase.seen += 1;
  phase.lastAt = at;
  if (collecting && phase.seen === phase.target) finishCollect();
}

function finishCollect(): void {
  if (!collecting || !phase) return;
  clearTimeout(collecting.timer);
  collecting = undefined;
  send({ type: 'collected', seen: phase.seen, expected: phase.target });
}

/** Checks every 100 ms whether receipts stopped for idleMs (or the deadline passed). */
function watchCollect(): void {
  if (!collecting || !phase) return;
  const t = now();
  if (t - phase.lastAt > collecting.idleMs || t > collecting.deadline) {
    finishCollect();
    return;
  }
  collecting.timer = setTimeout(watchCollect, 100);
}

/** One gateway session: HELLO, IDENTIFY (GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT), GUILD_CREATE, heartbeats. */
function openSession(url: string, token: string, session: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(ws);
    let seq: number | null = null;
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`session ${session}: no GUILD_CREATE within 120 s`)), 120_000);
    ws.on('error', reject);
    ws.on('close', (code) => {
      if (!ready) reject(new Error(`session ${session}: closed ${code} before GUILD_CREATE`));
    });
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { op: number; t: string | null; s: number | null; d: any };
      if (frame.s !== null) seq = frame.s;
      if (ready) {
        if (frame.t === 'MESSAGE_CREATE') onMessageCreate(session, frame.d?.content);
        return;
      }
      if (frame.op === 10) {
        const interval = frame.d.heartbeat_interval as number;
        const beat = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ op: 1, d: seq }));
        setTimeout(() => {
          beat();
          heartbeats.push(setInterval(beat, interval));
        }, Math.random() * interval).unref();
        ws.send(JSON.stringify({ op: 2, d: { token, intents: 1 | (1 << 9) | (1 << 15), properties: { os: 'linux', browser: 'bench', device: 'bench' } } }));
      } else if (frame.op === 9) {
        reject(new Error(`session ${session}: INVALID_SESSION on IDENTIFY`));
      } else if (frame.t === 'GUILD_CREATE') {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function open(command: OpenCommand): Promise<void> {
  const started = performance.now();
  let next = 0;
  const base = sockets.length;
  await Promise.all(
    Array.from({ length: Math.min(command.concurrency, command.tokens.length) }, async () => {
      while (next < command.tokens.length) {
        const index = next++;
        await openSession(command.url, command.tokens[index] ?? '', base + index);
      }
    }),
  );
  send({ type: 'opened', count: command.tokens.length, ms: performance.now() - started });
}

function report(starts: readonly (number | null)[]): ListenerReport {
  if (!phase) throw new Error('report before arm');
  const { messages, times, skip } = phase;
  const sessions = sockets.length;
  const latencies = new Float64Array(phase.seen);
  const toLast = new Array<number>(messages).fill(0);
  const missingSample: [number, number][] = [];
  let k = 0;
  let seenOfFailed = 0;
  for (let s = 0; s < sessions; s++) {
    for (let m = 0; m < messages; m++) {
      if (skip.has(m)) {
        if (!Number.isNaN(times[s * messages + m] ?? Number.NaN)) seenOfFailed++;
        continue;
      }
      const at = times[s * messages + m] ?? Number.NaN;
      if (Number.isNaN(at)) {
        if (missingSample.length < 10) missingSample.push([s, m]);
        continue;
      }
      const latency = at - (starts[m] ?? Number.NaN);
      if (Number.isNaN(latency)) throw new Error(`no start time for accepted message ${m}`);
      latencies[k++] = latency;
      if (latency > (toLast[m] ?? 0)) toLast[m] = latency;
    }
  }
  const sorted = latencies.subarray(0, k).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return {
    type: 'report',
    sessions,
    messages,
    expected: phase.target,
    seen: phase.seen,
    seenOfFailed,
    duplicates: phase.duplicates,
    missing: phase.target - phase.seen,
    missingSample,
    latencyP50Ms: at(50),
    latencyP99Ms: at(99),
    latencyMaxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? 0) : 0,
    toLastP50Ms: percentile(toLast, 50),
    toLastP99Ms: percentile(toLast, 99),
  };
}

process.on('message', (command: Command) => {
  try {
    if (command.type === 'open') {
      open(command).catch((error: Error) => send({ type: 'error', message: error.message }));
    } else if (command.type === 'arm') {
      const times = new Float64Array(sockets.length * command.messages).fill(Number.NaN);
      phase = { prefix: command.prefix, messages: command.messages, times, perMessage: new Int32Array(command.messages), skip: new Set(), seen: 0, target: times.length, duplicates: 0, lastAt: 0 };
      send({ type: 'armed' });
    } else if (command.type === 'collect') {
      if (!phase) throw new Error('collect before arm');
      const current = phase;
      current.skip = new Set(command.skip);
      current.target = sockets.length * (current.messages - current.skip.size);
      current.seen = current.perMessage.reduce((sum, n, m) => (current.skip.has(m) ? sum : sum + n), 0);
      current.lastAt = Math.max(current.lastAt, now());
      collecting = { idleMs: command.idleMs, deadline: now() + command.timeoutMs, timer: setTimeout(watchCollect, 100) };
      if (current.seen === current.target) finishCollect();
    } else if (command.type === 'report') {
      send(report(command.starts));
    } else {
      for (const timer of heartbeats) clearInterval(timer);
      for (const ws of sockets) ws.terminate();
      setTimeout(() => process.exit(0), 100);
    }
  } catch (error) {
    send({ type: 'error', message: (error as Error).message });
  }
});
send({ type: 'started' });
