/**
 * The client side of the fanout benchmark, run as a child process (so its
 * memory and CPU are not the server's): opens N WebSocket or Socket.IO
 * clients, then, per round, reports when each client received the frame
 * whose content is the round's marker. Driven over IPC by bench/fanout.bench.ts.
 *
 * Messages from the parent:
 * - { type: 'open', system: 'ours' | 'socketio' | 'ws', url, count, tokens?, concurrency }
 *   -> { type: 'opened', count, ms }
 * - { type: 'expect', marker, timeoutMs } -> { type: 'armed' }, later
 *   { type: 'received', marker, count, first, last, sample } (epoch ms, high resolution; sample: the first frame text)
 * - { type: 'post', url, headers, body } -> { type: 'posted', t0, at, status, body }: one HTTP POST
 *   (node:http, kept-alive connection) sent from here, the clients' process, as
 *   a real sender's would be, not from the server's process; t0 is the epoch
 *   time just before the request is written
 * - { type: 'close' } -> exits
 */
import { Agent, request } from 'node:http';
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import { forEachLimited } from '@chat/testing';

type System = 'ours' | 'socketio' | 'ws';
interface OpenCommand { type: 'open'; system: System; url: string; count: number; tokens?: string[]; concurrency: number }
interface ExpectCommand { type: 'expect'; marker: string; timeoutMs: number }
interface PostCommand { type: 'post'; url: string; headers: Record<string, string>; body: string }
type Command = OpenCommand | ExpectCommand | PostCommand | { type: 'close' };

const send = (message: unknown) => process.send?.(message);
/** Absolute time in epoch milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

let round: { marker: string; count: number; first: number; last: number; total: number; timer: NodeJS.Timeout; sample?: string } | undefined;
const sockets: WebSocket[] = [];
const ioSockets: Socket[] = [];
const heartbeats: NodeJS.Timeout[] = [];

/** Every client calls this with a received text frame; counts it when it carries the round's marker. */
function onFrame(text: string): void {
  const frame = JSON.parse(text) as { t?: string; d?: { content?: string } };
  if (!round || frame.t !== 'MESSAGE_CREATE' || frame.d?.content !== round.marker) return;
  const at = now();
  if (round.count === 0) {
    round.first = at;
    round.sample = text;
  }
  round.count += 1;
  round.last = at;
  if (round.count === round.total) {
    finish();
    return;
  }
  // A session that is gone never receives: end the round once receipts stop for IDLE_MS instead of waiting out the timeout.
  clearTimeout(round.timer);
  const marker = round.marker;
  round.timer = setTimeout(() => round?.marker === marker && finish(), IDLE_MS);
}

/** A round ends this long after its latest receipt even when not every client has the message. */
const IDLE_MS = 5_000;

function finish(): void {
  if (!round) return;
  clearTimeout(round.timer);
  send({ type: 'received', marker: round.marker, count: round.count, first: round.first, last: round.last, sample: round.sample });
  round = undefined;
}

/** One gateway session: HELLO, IDENTIFY, wait for GUILD_CREATE, heartbeat at the advertised interval. */
function openGateway(url: string, token: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(ws);
    let seq: number | null = null;
    let ready = false;
    const timer = setTimeout(() => reject(new Error('no GUILD_CREATE within 120 s')), 120_000);
    ws.on('error', reject);
    ws.on('close', (code) => {
      if (!ready) reject(new Error(`closed ${code} before GUILD_CREATE`));
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (ready) {
        // After GUILD_CREATE heartbeats send the last READY-phase seq; the server accepts any d (Discord does not check it).
        onFrame(text);
        return;
      }
      const frame = JSON.parse(text) as { op: number; t: string | null; s: number | null; d: any };
      if (frame.s !== null) seq = frame.s;
      if (frame.op === 10) {
        const interval = frame.d.heartbeat_interval as number;
        const beat = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ op: 1, d: seq }));
        setTimeout(() => {
          beat();
          heartbeats.push(setInterval(beat, interval));
        }, Math.random() * interval).unref();
        ws.send(JSON.stringify({ op: 2, d: { token, intents: 1 | (1 << 9) | (1 << 15), properties: { os: 'linux', browser: 'bench', device: 'bench' } } }));
      } else if (frame.op === 9) {
        reject(new Error('INVALID_SESSION on IDENTIFY'));
      } else if (frame.t === 'GUILD_CREATE') {
        ready = true;
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  });
}

function openWs(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(ws);
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => onFrame(data.toString('utf8')));
  });
}

function openSocketIo(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    ioSockets.push(socket);
    socket.once('connect_error', reject);
    // The server acks the room join, so the socket is in the room once this resolves.
    socket.once('joined', () => resolve());
    socket.on('m', (text: string) => onFrame(text));
  });
}

async function open(command: OpenCommand): Promise<void> {
  const started = performance.now();
  const items = command.system === 'ours' ? (command.tokens ?? []) : Array.from({ length: command.count }, () => '');
  await forEachLimited(items, command.concurrency, async (token) => {
    if (command.system === 'ours') await openGateway(command.url, token);
    else if (command.system === 'ws') await openWs(command.url);
    else await openSocketIo(command.url);
  });
  send({ type: 'opened', count: items.length, ms: performance.now() - started });
}

const postAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One POST over the kept-alive connection; resolves with the status and the parsed JSON body. */
function post(command: PostCommand): void {
  const body = Buffer.from(command.body);
  const t0 = now();
  const req = request(command.url, { method: 'POST', agent: postAgent, headers: { ...command.headers, 'content-length': String(body.length) } }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the parent reports the text
      }
      send({ type: 'posted', t0, at: now(), status: res.statusCode ?? 0, body: parsed });
    });
  });
  req.on('error', (error) => send({ type: 'error', message: `POST ${command.url}: ${error.message}` }));
  req.end(body);
}

process.on('message', (command: Command) => {
  if (command.type === 'post') {
    post(command);
  } else if (command.type === 'open') {
    open(command).catch((error: Error) => send({ type: 'error', message: error.message }));
  } else if (command.type === 'expect') {
    const total = Math.max(sockets.length, ioSockets.length);
    const marker = command.marker;
    round = { marker, count: 0, first: 0, last: 0, total, timer: setTimeout(() => round?.marker === marker && finish(), command.timeoutMs) };
    send({ type: 'armed' });
  } else {
    for (const timer of heartbeats) clearInterval(timer);
    for (const ws of sockets) ws.terminate();
    for (const socket of ioSockets) socket.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
send({ type: 'started' });
