/**
 * Test harness for the gateway specs: an in-memory SQLite store with a user,
 * a bot and a guild, a real guild node (GuildService on a loopback gRPC
 * server) behind the gateway's relay, the gateway on a free port, and a
 * client that reads frames (inflating zlib-stream) and close codes in order.
 */
import { createInflate, constants as zc } from 'node:zlib';
import { WebSocket } from 'ws';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway's sessions attach to a real guild node
import { GuildNode, guildServiceHandlers } from '@chat/guild';
import { guildV1 } from '@chat/proto';
import { RingView, StaticMembership } from '@chat/ring';
import { GrpcServer } from '@chat/rpc';
import { openStore, type Store } from '@chat/store';
import { wireGuildService } from '../guild-service-wiring';
import { HttpServer } from '@chat/http-server';
import { GatewayServer, type GatewayServerOptions } from './gateway-server';
import { ZLIB_SUFFIX } from './zlib-stream';

/** A received gateway frame. */
export interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

/** Ids and tokens the harness seeds. */
export const seed = {
  userId: '100000000000000001',
  userToken: 'user-token-1',
  botId: '100000000000000002',
  botToken: 'bot-token-2',
  appId: '100000000000000003',
  guildId: '200000000000000001',
  otherGuildId: String((1n << 22n) * 3n + 5n),
  channelId: '300000000000000001',
};

/** A running gateway for one spec. */
export interface Harness {
  store: Store;
  gateway: GatewayServer;
  url: string;
  connect(query?: string): Promise<TestClient>;
  close(): Promise<void>;
}

/** Starts the gateway on a free port over a seeded in-memory store. */
export async function startHarness(overrides: Partial<GatewayServerOptions> = {}, appFlags = 0): Promise<Harness> {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  await store.users.createUser({ id: seed.userId, username: 'alice' });
  await store.users.addToken(seed.userId, seed.userToken, 'user');
  await store.users.createUser({ id: seed.botId, username: 'robot', bot: true, discriminator: '0001' });
  await store.users.addToken(seed.botId, seed.botToken, 'bot');
  await store.users.createApplication({ id: seed.appId, name: 'app', ownerId: seed.userId, botUserId: seed.botId, flags: appFlags });
  const joinedAt = new Date('2024-01-01T00:00:00Z');
  for (const guildId of [seed.guildId, seed.otherGuildId]) {
    await store.guilds.createGuild({ id: guildId, name: `g${guildId}`, ownerId: seed.userId });
    await store.guilds.createRole({ id: guildId, guildId, name: '@everyone', permissions: '1024' });
    await store.guilds.addMember({ guildId, userId: seed.userId, joinedAt });
    await store.guilds.addMember({ guildId, userId: seed.botId, joinedAt });
  }
  await store.guilds.createChannel({ id: seed.channelId, type: 0, guildId: seed.guildId, name: 'general' });
  // The guild node the sessions attach to, on a loopback gRPC server.
  const membership = new StaticMembership([{ id: 'guild-0', address: '127.0.0.1:1' }]);
  const ring = new RingView(membership);
  const node = new GuildNode({ nodeId: 'guild-0', ring, store, flushIntervalMs: 2 });
  const grpc = new GrpcServer();
  grpc.addService(guildV1.GuildServiceService, guildServiceHandlers(node));
  const guildAddress = `127.0.0.1:${await grpc.listen('127.0.0.1', 0)}`;
  membership.update([{ id: 'guild-0', address: guildAddress }]);
  const wiring = await wireGuildService({
    nodeId: 'gateway-0',
    guildNodes: [{ id: 'guild-0', address: guildAddress }],
    membership: { membership: 'static', probeIntervalMs: 1000, probeFailures: 3 },
    timeoutMs: 3000,
    onError: () => undefined,
  });
  const log = { warn: () => undefined };
  const holder: { gateway?: GatewayServer } = {};
  const http = new HttpServer('127.0.0.1');
  http.handleUpgrades((req, socket, head) => holder.gateway?.handleUpgrade(req, socket, head));
  const port = await http.listen(0);
  const url = `ws://127.0.0.1:${port}`;
  const g = new GatewayServer({
    users: store.users,
    guildIdsOf: (userId) => store.guilds.listGuildIdsForUser(userId),
    relay: wiring.relay,
    members: wiring.members,
    voice: wiring.voice,
    publicUrl: url,
    heartbeatIntervalMs: 1_000,
    log,
    ...overrides,
  });
  holder.gateway = g;
  const clients: TestClient[] = [];
  return {
    store,
    gateway: g,
    url,
    async connect(query = '?v=10&encoding=json') {
      const client = await TestClient.open(url + query);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      await g.close();
      await http.close();
      await wiring.relay.close();
      wiring.close();
      await node.stop();
      await grpc.stop(50);
      ring.close();
      await store.close();
    },
  };
}

/** A WebSocket client that queues frames and remembers the close code. */
export class TestClient {
  private readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Raw compressed messages (zlib-stream only). */
  readonly raw: Buffer[] = [];
  /** Resolves once every received message has been inflated. */
  private inflating: () => Promise<void> = () => Promise.resolve();

  private constructor(readonly ws: WebSocket, compressed: boolean) {
    const inflate = compressed ? createInflate({ finishFlush: zc.Z_SYNC_FLUSH }) : undefined;
    let text = '';
    let chain = Promise.resolve();
    this.inflating = () => chain;
    inflate?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (inflate) {
        this.raw.push(data);
        // One message at a time through the connection's single inflater.
        chain = chain.then(
          () =>
            new Promise<void>((resolve) => {
              inflate.write(data, () =>
                inflate.flush(zc.Z_SYNC_FLUSH, () => {
                  if (text.length > 0) this.push(JSON.parse(text) as Frame);
                  text = '';
                  resolve();
                }),
              );
            }),
        );
      } else {
        if (isBinary) throw new Error('unexpected binary frame');
        this.push(JSON.parse(data.toString('utf8')) as Frame);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      this.wake();
      resolve({ code, reason: reason.toString() });
    }));
  }

  /** Connects and resolves once open. */
  static async open(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const client = new TestClient(ws, url.includes('compress=zlib-stream'));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  private push(frame: Frame): void {
    this.frames.push(frame);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next frame (rejects after `timeoutMs` or when the socket closed with nothing left). */
  async next(timeoutMs = 3_000): Promise<Frame> {
    const started = Date.now();
    for (;;) {
      const frame = this.frames.shift();
      if (frame) return frame;
      if (this.ws.readyState === WebSocket.CLOSED) {
        await this.inflating();
        if (this.frames.length > 0) continue;
        throw new Error('socket closed');
      }
      if (Date.now() - started > timeoutMs) throw new Error('no frame in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next frame with this op (and `t`), skipping others. */
  async nextOf(op: number, t?: string): Promise<Frame> {
    for (;;) {
      const frame = await this.next();
      if (frame.op === op && (t === undefined || frame.t === t)) return frame;
    }
  }

  /** Sends a JSON payload. */
  send(payload: unknown): void {
    this.ws.send(JSON.stringify(payload));
  }

  /** IDENTIFY with sensible defaults. */
  identify(token: string, extra: Record<string, unknown> = {}): void {
    this.send({ op: 2, d: { token, intents: 513, properties: { os: 'linux', browser: 'test', device: 'test' }, ...extra } });
  }
}

export { ZLIB_SUFFIX };
