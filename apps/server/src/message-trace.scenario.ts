/**
 * Test-only: issue #7's trace check, run by message-trace.spec.ts (memory
 * bus; in-process gRPC and HTTP/2) and message-trace.int.spec.ts (Kafka).
 * The whole binary in one process with an in-memory span exporter; a user
 * connected to the gateway posts one message over REST, and ONE trace holds
 * the REST request, the gRPC calls, the data service's store write, the bus
 * hop, the guild actor's publish, the gateway relay's delivery to the
 * socket, and the search indexer's indexing, every span's parent inside that
 * trace. A second message is a second trace.
 */
import { SpanKind } from '@opentelemetry/api';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningServer } from '@chat/modules';
import type { ReadableSpan, SpanRecorder } from '@chat/observability';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

const REST_SPAN = 'POST /channels/{channel.id}/messages';

interface Frame {
  op: number;
  d: any;
  t: string | null;
}

/** Resolves once `done()` holds (checked every 10 ms); fails with `describe()` after `timeoutMs`. */
async function until(done: () => boolean, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function connect(url: string, sockets: WebSocket[]): Promise<{ next(op: number, t?: string): Promise<Frame>; send(p: unknown): void }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Frame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    async next(op, t) {
      const find = () => frames.findIndex((f) => f.op === op && (t === undefined || f.t === t));
      await until(() => find() >= 0, () => `no op ${op} ${t ?? ''} frame; got ${JSON.stringify(frames).slice(0, 300)}`);
      return frames.splice(find(), 1)[0]!;
    },
    send: (payload) => ws.send(JSON.stringify(payload)),
  };
}

function summary(spans: readonly ReadableSpan[]): string {
  return spans.map((s) => `${s.name}[${s.spanContext().traceId.slice(0, 6)}]`).join(', ');
}

/**
 * Starts the server with `env` (gRPC clients in-process or not) and runs the
 * scenario against `recorder`; the caller shuts the server down and closes
 * the sockets.
 */
export async function runMessageTraceScenario(
  env: Record<string, string>,
  inProcess: 'on' | 'off',
  options: { recorder: SpanRecorder; sockets: WebSocket[]; onServer: (server: RunningServer) => void },
): Promise<void> {
  // Read from process.env whenever a gRPC client is made (some are made lazily), so it stays set for the whole scenario.
  const before = process.env['CHAT_GRPC_IN_PROCESS'];
  process.env['CHAT_GRPC_IN_PROCESS'] = inProcess;
  try {
    await scenario(env, inProcess, options);
  } finally {
    if (before === undefined) delete process.env['CHAT_GRPC_IN_PROCESS'];
    else process.env['CHAT_GRPC_IN_PROCESS'] = before;
  }
}

async function scenario(env: Record<string, string>, inProcess: 'on' | 'off', options: { recorder: SpanRecorder; sockets: WebSocket[]; onServer: (server: RunningServer) => void }): Promise<void> {
  const recorder = options.recorder;
  const server = await startInProcessServer(env);
  options.onServer(server);
  const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(server.endpoints.api, method, path, token, body);
  const registered = await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' });
  const token = registered.body.token as string;
  const guild = await call('POST', '/guilds', token, { name: 'Traced' });
  const channelId = (await call('GET', `/guilds/${guild.body.id}/channels`, token)).body[0].id as string;
  const client = await connect(`${server.endpoints.gateway}/?v=10&encoding=json`, options.sockets);
  await client.next(10);
  client.send({ op: 2, d: { token, properties: {}, intents: 1 | (1 << 9) | (1 << 15) } });
  await client.next(0, 'GUILD_CREATE');

  const sendOne = async (content: string) => {
    recorder.reset();
    const posted = await call('POST', `/channels/${channelId}/messages`, token, { content });
    expect(posted.status).toBe(200);
    expect((await client.next(0, 'MESSAGE_CREATE')).d.content).toBe(content);
    // Every hop has ended its span: the REST response closed, the relay wrote, the indexer's batch was written.
    const ended = (name: string) => recorder.spans().some((s) => s.name === name);
    await until(() => [REST_SPAN, 'gateway.relay deliver', 'search-indexer index'].every(ended), () => summary(recorder.spans()));
    const rest = recorder.spans().find((s) => s.name === REST_SPAN)!;
    const traceId = rest.spanContext().traceId;
    return { traceId, spans: recorder.spans().filter((s) => s.spanContext().traceId === traceId) };
  };

  const first = await sendOne('traced once');
  const names = first.spans.map((s) => s.name);
  const one = (name: string, kind?: SpanKind) => {
    const found = first.spans.filter((s) => s.name === name && (kind === undefined || s.kind === kind));
    expect(found, `${name} in ${summary(first.spans)}`).toHaveLength(1);
    return found[0]!;
  };
  // The gateway: the REST server span (the root) and one relay delivery on this node, one socket written.
  const rest = one(REST_SPAN, SpanKind.SERVER);
  expect(rest.parentSpanContext).toBeUndefined();
  expect(rest.attributes).toMatchObject({ 'http.route': '/channels/{channel.id}/messages', 'http.response.status_code': 200 });
  const relay = one('gateway.relay deliver');
  expect(relay.attributes).toMatchObject({ 'chat.relay.sockets_written': 1, 'chat.dispatch.type': 'MESSAGE_CREATE', 'chat.guild.id': guild.body.id });
  // The data service: its gRPC server span and the store write inside it.
  const createServer = one('chat.messages.v1.MessageService/CreateMessage', SpanKind.SERVER);
  expect(createServer.attributes['network.peer.address'] === 'in-process').toBe(inProcess === 'on');
  const store = one('message-store create');
  // The guild: PublishEvent's server span and the actor's handling.
  const publishServer = one('chat.guild.v1.GuildService/PublishEvent', SpanKind.SERVER);
  const actor = one('guild.actor publish');
  // The bus and the search indexer.
  const send = one('send messages', SpanKind.PRODUCER);
  expect(send.attributes['messaging.system']).toBe(env['CHAT_BUS'] ?? 'memory');
  const index = one('search-indexer index');
  expect(names.filter((n) => n === 'process messages').length).toBeGreaterThanOrEqual(1);

  // Every parent is inside the trace, and the chains are the real ones.
  const byId = new Map(first.spans.map((s) => [s.spanContext().spanId, s]));
  for (const span of first.spans) if (span !== rest) expect(byId.has(span.parentSpanContext?.spanId ?? ''), `${span.name}'s parent`).toBe(true);
  const ancestors = (span: ReadableSpan): string[] => {
    const chain: string[] = [];
    for (let parent = byId.get(span.parentSpanContext?.spanId ?? ''); parent; parent = byId.get(parent.parentSpanContext?.spanId ?? '')) chain.push(parent.name);
    return chain;
  };
  expect(ancestors(store)).toEqual(expect.arrayContaining([createServer.name, REST_SPAN]));
  expect(byId.get(store.parentSpanContext!.spanId)).toBe(createServer);
  expect(byId.get(actor.parentSpanContext!.spanId)).toBe(publishServer);
  expect(byId.get(relay.parentSpanContext!.spanId)).toBe(actor);
  expect(ancestors(send)).toContain(createServer.name);
  expect(byId.get(index.parentSpanContext!.spanId)?.name).toBe('process messages');
  expect(ancestors(index)).toEqual(expect.arrayContaining(['process messages', 'send messages', createServer.name, REST_SPAN]));
  expect(ancestors(relay).at(-1)).toBe(REST_SPAN);

  // A second message is a second trace: its REST, store, actor, relay and indexing spans all carry the new trace id.
  const second = await sendOne('traced twice');
  expect(second.traceId).not.toBe(first.traceId);
  expect(second.spans.map((s) => s.name)).toEqual(expect.arrayContaining([REST_SPAN, 'message-store create', 'guild.actor publish', 'gateway.relay deliver', 'search-indexer index']));
}
