/**
 * A gateway fuzzer, seeded so a failing run can be replayed: random and
 * malformed frames over identified and unidentified connections, and raw
 * HTTP upgrade requests with hostile targets and headers. It reports what the
 * server did with them; the caller decides what counts as a failure (the
 * spec and `npm run fuzz` both want no dropped connection, no 1xxx close and
 * a server that still serves). Only loopback servers are targets.
 */
import { connect as tcpConnect } from 'node:net';
import { WebSocket } from 'ws';
import { ALL_INTENTS } from '@chat/gateway';
import { seededRandom } from '@chat/testing';

/** What a fuzz run did and saw. */
export interface FuzzReport {
  seed: number;
  frames: number;
  connections: number;
  /** Closes by the server, by close code. */
  closes: Record<string, number>;
  /** Connections the server ended without a close frame (1006 on our side), or that failed to open. */
  dropped: number;
  upgradeRequests: number;
  /** Answers to the raw upgrade requests by status code ('none' when the server closed without a byte). */
  upgradeAnswers: Record<string, number>;
  seconds: number;
}

/** Settings of a run. */
export interface FuzzSettings {
  /** ws://host:port of the gateway (loopback). */
  url: string;
  /** Tokens that IDENTIFY succeeds with (a user's; a bot's is better still). */
  tokens: readonly string[];
  /** Snowflakes the frames mention (guilds, channels, users the server knows), mixed with random ones. */
  knownIds: readonly string[];
  frames: number;
  upgradeRequests: number;
  seed: number;
  /** Frames per connection at most (under the 120-per-60-s limit, so most connections end by a frame, not the limit). */
  framesPerConnection?: number;
  /** Called now and then with the frames sent so far. */
  progress?: (framesSent: number) => void;
}

const OPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 37, -1, 255, 1e9, 2.5, '1', null];

/** The frame generator: JSON of every shape the gateway parses, broken in every way it must refuse. */
function frameSource(rand: () => number, knownIds: readonly string[]) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const id = (): unknown => (rand() < 0.7 ? pick(knownIds) : pick(['0', '1', '99999999999999999999', '-1', '1e5', '', 'abc', 12, null, String(Math.floor(rand() * 2 ** 53))]));
  const scalar = (): unknown => pick([null, true, false, 0, -1, 1.5, 2 ** 53, 2 ** 64, '', 'x', '\u0000', '\ud800', 'é'.repeat(50), [], {}, [1, [2, [3]]], { a: { b: {} } }]);
  const value = (): unknown => (rand() < 0.5 ? id() : scalar());
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const payloads: (() => unknown)[] = [
    () => ({ op: 1, d: pick([null, 0, 5, -1, 'x', 1.5, 2 ** 60]) }),
    () => ({ op: 3, d: { status: pick(['online', 'idle', 'dnd', 'invisible', 'offline', 'bogus', 1]), since: pick([null, 0, 'x']), activities: pick([[], [{ name: 'x', type: 0 }], 'x', Array(40).fill({})]), afk: value() } }),
    () => ({ op: 4, d: { guild_id: id(), channel_id: pick([null, id()]), self_mute: value(), self_deaf: value() } }),
    () => ({ op: 8, d: { guild_id: id(), query: pick(['', 'a', 'x'.repeat(200), 1]), limit: pick([0, 1, 100, 100_001, -5, 'x']), user_ids: pick([undefined, [id()], id(), Array(101).fill('1')]), presences: value(), nonce: pick([undefined, 'n', 'x'.repeat(40), 5]) } }),
    () => ({ op: 14, d: { guild_id: id(), typing: value(), activities: value(), threads: value(), members: pick([[id()], 'x', [1, 2]]), channels: pick([{ [String(id())]: [[0, 99]] }, [], 'x']) } }),
    () => ({ op: 37, d: { subscriptions: pick([{ [String(id())]: { typing: true, members: [id()] } }, {}, [], null, Object.fromEntries(Array.from({ length: 120 }, (_, i) => [String(i), {}]))]) } }),
    () => ({ op: 2, d: { token: pick([scalar(), 'Bot x', 'x'.repeat(600)]), intents: value(), shard: pick([[0, 1], [1, 1], [0], 'x']), large_threshold: value(), properties: value() } }),
    () => ({ op: 6, d: { token: value(), session_id: value(), seq: value() } }),
    () => ({ op: pick(OPS), d: value() }),
    () => ({ op: pick(OPS), d: value(), s: value(), t: value() }),
  ];
  return (): { data: Buffer | string; binary: boolean } => {
    const kind = rand();
    if (kind < 0.6) return { data: JSON.stringify(pick(payloads)()), binary: false };
    if (kind < 0.68) return { data: JSON.stringify(pick(payloads)()).slice(0, Math.floor(rand() * 40)), binary: false };
    if (kind < 0.74) return { data: bytes(1 + Math.floor(rand() * 64)), binary: true };
    if (kind < 0.78) return { data: bytes(1 + Math.floor(rand() * 64)), binary: false };
    if (kind < 0.82) return { data: '['.repeat(2000) + ']'.repeat(2000), binary: false };
    if (kind < 0.85) return { data: Buffer.alloc(70_000 + Math.floor(rand() * 1000), 0x7b), binary: rand() < 0.5 };
    if (kind < 0.88) return { data: JSON.stringify({ op: 1, d: null, pad: 'x'.repeat(4100) }), binary: false };
    if (kind < 0.94) return { data: JSON.stringify(value()), binary: false };
    return { data: Buffer.from(JSON.stringify(pick(payloads)())), binary: true };
  };
}

/** Raw upgrade requests with hostile request lines and headers. */
function upgradeSource(rand: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const targets = ['/', '//', '///', '/?v=10&encoding=json', '//?v=10', '/%', '/%zz?%zz=%', '/?v=%ff', '*', 'http://127.0.0.1/', 'http://[::1', '/\\\\x', '/?v=10&compress=zlib-stream', '/?v=11', '/?encoding=etf', '/api/v10/gateway', `/${'a'.repeat(9000)}`, '/?' + 'v=10&'.repeat(3000), '/\u00e9'];
  const methods = ['GET', 'GET', 'GET', 'POST', 'PUT', 'XYZ', 'G ET', ''];
  const headerSets: (() => string[])[] = [
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13'],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 8', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: short'],
    () => ['Upgrade: foo', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99', 'Sec-WebSocket-Protocol: ,,,'],
    () => ['Upgrade: websocket', 'Connection: Upgrade', `X-Filler: ${'a'.repeat(20_000)}`],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Content-Length: nope'],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Bad Header Line'],
    () => ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='],
  ];
  return (): string => {
    const method = pick(methods);
    const line = rand() < 0.05 ? '\u0000\u0001 garbage' : `${method} ${pick(targets)} ${pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 extra'])}`;
    return [line, 'Host: 127.0.0.1', ...pick(headerSets)(), '', ''].join('\r\n');
  };
}

/** Sends one raw request; resolves with the answer's status code ('none' if the server closed without a byte, 'open' if it kept the socket without answering). */
function rawUpgrade(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect(Number(port), hostname, () => socket.write(request, 'latin1'));
    let answer = '';
    const done = (status: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(answer === '' ? 'open' : statusOf(answer)), 2_000);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const status = statusOf(answer);
      // An accepted upgrade is followed by HELLO; a refusal is complete once it is read.
      if (status !== '101' || answer.includes('"op":10')) done(status);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(answer === '' ? 'none' : statusOf(answer)));
  });
}

const statusOf = (answer: string): string => /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 'garbled';

/** One WebSocket connection that records how it ended. */
async function openConnection(url: string): Promise<{ ws: WebSocket; ended: Promise<number> } | undefined> {
  const ws = new WebSocket(url);
  const ended = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => undefined);
  const hello = await new Promise<boolean>((resolve) => {
    ws.once('message', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  return hello ? { ws, ended } : undefined;
}

/** Runs the fuzzer against a gateway. */
export async function fuzzGateway(settings: FuzzSettings): Promise<FuzzReport> {
  const started = Date.now();
  const rand = seededRandom(settings.seed);
  const nextFrame = frameSource(rand, settings.knownIds);
  const nextUpgrade = upgradeSource(rand);
  const perConnection = settings.framesPerConnection ?? 100;
  const report: FuzzReport = { seed: settings.seed, frames: 0, connections: 0, closes: {}, dropped: 0, upgradeRequests: 0, upgradeAnswers: {}, seconds: 0 };
  const count = (into: Record<string, number>, key: string): void => void (into[key] = (into[key] ?? 0) + 1);

  const upgradesEvery = settings.upgradeRequests > 0 ? Math.max(1, Math.floor(settings.frames / settings.upgradeRequests)) : Infinity;
  let nextUpgradeAt = 0;
  while (report.frames < settings.frames || report.upgradeRequests < settings.upgradeRequests) {
    while (report.upgradeRequests < settings.upgradeRequests && (report.frames >= nextUpgradeAt || report.frames >= settings.frames)) {
      count(report.upgradeAnswers, await rawUpgrade(settings.url, nextUpgrade()));
      report.upgradeRequests += 1;
      nextUpgradeAt += upgradesEvery;
    }
    if (report.frames >= settings.frames) continue;
    const query = rand() < 0.3 ? '/?v=10&encoding=json&compress=zlib-stream' : '/?v=10&encoding=json';
    const connection = await openConnection(settings.url + query);
    report.connections += 1;
    if (!connection) {
      report.dropped += 1;
      continue;
    }
    const { ws, ended } = connection;
    let closedCode: number | undefined;
    void ended.then((code) => (closedCode = code));
    // Mostly valid intents (so the session lives and the authenticated opcodes get fuzzed), sometimes any bits.
    const intents = rand() < 0.9 ? Math.floor(rand() * 2 ** 26) & ALL_INTENTS : Math.floor(rand() * 2 ** 31);
    if (rand() < 0.6) ws.send(JSON.stringify({ op: 2, d: { token: settings.tokens[Math.floor(rand() * settings.tokens.length)], intents, properties: {} } }));
    const burst = 1 + Math.floor(rand() * perConnection);
    // Only frames written to an open socket count (ws drops what is sent after the server's close).
    for (let i = 0; i < burst && report.frames < settings.frames && closedCode === undefined && ws.readyState === WebSocket.OPEN; i += 1) {
      const frame = nextFrame();
      ws.send(frame.data, { binary: frame.binary });
      report.frames += 1;
      if (report.frames % 1000 === 0) settings.progress?.(report.frames);
      // Let the server answer now and then, so closes land mid-burst as they would for a real client.
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    const code = await Promise.race([ended, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 150))]);
    if (code === undefined) {
      ws.terminate();
      continue;
    }
    count(report.closes, String(code));
    if (code < 4000) report.dropped += code === 1006 ? 1 : 0;
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
