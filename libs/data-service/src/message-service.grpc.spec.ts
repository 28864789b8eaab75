import { status } from '@grpc/grpc-js';
import { messagesV1 } from '@chat/proto';
import { createServiceClient, GrpcServer, RemoteCallError, type ServiceClient } from '@chat/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHOR, CHANNEL, OTHER_CHANNEL, testService } from './test-fixtures';

type Client = ServiceClient<typeof messagesV1.MessageServiceService>;

/** The gRPC status and message a call failed with. */
async function failure(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteCallError);
  return { code: (error as RemoteCallError).code, message: (error as Error).message };
}

describe('MessageService over gRPC: bad input gets a clear status, never a crash', () => {
  let server: GrpcServer;
  let client: Client;
  let fixture: Awaited<ReturnType<typeof testService>>;

  beforeAll(async () => {
    fixture = await testService({ channels: new Set([CHANNEL]), config: { maxConcurrentQueries: 1, maxQueued: 1, coalesce: false } });
    server = new GrpcServer();
    server.addService(messagesV1.MessageServiceService, fixture.handlers);
    const port = await server.listen('127.0.0.1', 0);
    client = createServiceClient(messagesV1.MessageServiceService, `127.0.0.1:${port}`);
  });
  afterAll(async () => {
    client.close();
    await server.stop(100);
  });

  const send = (request: Partial<messagesV1.CreateMessageRequest>) =>
    client.createMessage(messagesV1.CreateMessageRequest.fromPartial({ channelId: CHANNEL, authorId: AUTHOR, content: 'hi', ...request }));

  it('creates, reads back and pages a message', async () => {
    const created = await send({ content: 'hello 👋', nonce: 'abc' });
    expect(created.message).toMatchObject({ channelId: CHANNEL, authorId: AUTHOR, content: 'hello 👋', nonce: 'abc' });
    const got = await client.getMessage({ channelId: CHANNEL, messageId: created.message!.id });
    expect(got.message?.content).toBe('hello 👋');
    expect(got.message?.timestamp).toEqual(created.message?.timestamp);
    const page = await client.getHistory({ channelId: CHANNEL, limit: 100, anchor: undefined });
    expect(page.messages.map((m) => m.id)).toContain(created.message!.id);
  });

  it('limit 0 and 101: INVALID_ARGUMENT naming limit', async () => {
    for (const limit of [0, 101]) {
      const { code, message } = await failure(client.getHistory({ channelId: CHANNEL, limit, anchor: undefined }));
      expect(code).toBe(status.INVALID_ARGUMENT);
      expect(message).toContain('limit');
    }
  });

  it('malformed ids: INVALID_ARGUMENT naming the field', async () => {
    const cases: [Promise<unknown>, string][] = [
      [client.getHistory({ channelId: 'general', limit: 10, anchor: undefined }), 'channel_id'],
      [client.getHistory({ channelId: CHANNEL, limit: 10, anchor: { $case: 'before', before: '-5' } }), 'before'],
      [client.getMessage({ channelId: CHANNEL, messageId: '0123' }), 'message_id'],
      [client.getMessage({ channelId: CHANNEL, messageId: '99999999999999999999' }), 'message_id'],
      [send({ authorId: '' }), 'author_id'],
      [send({ mentionUserIds: ['1', 'x'] }), 'mention_user_ids[1]'],
      [client.batchGetMessages({ channelId: CHANNEL, messageIds: Array.from({ length: 101 }, () => '1') }), 'message_ids'],
      [client.bulkDeleteMessages({ channelId: CHANNEL, messageIds: ['1200000000000000001'] }), 'message_ids'],
    ];
    for (const [call, field] of cases) {
      const { code, message } = await failure(call);
      expect(code).toBe(status.INVALID_ARGUMENT);
      expect(message.startsWith(field)).toBe(true);
    }
  });

  it('content over 2000 characters: INVALID_ARGUMENT; 2000 emoji (4000 UTF-16 units) pass', async () => {
    const { code, message } = await failure(send({ content: 'x'.repeat(2001) }));
    expect(code).toBe(status.INVALID_ARGUMENT);
    expect(message).toBe('content: must be at most 2000 characters, got 2001');
    const emoji = '😀'.repeat(2000);
    expect((await send({ content: emoji })).message?.content).toBe(emoji);
    expect((await failure(send({ content: `${emoji}!` }))).code).toBe(status.INVALID_ARGUMENT);
  });

  it('empty or whitespace-only message without attachments or embeds: INVALID_ARGUMENT', async () => {
    for (const content of ['', '   \n']) {
      const { code, message } = await failure(send({ content }));
      expect(code).toBe(status.INVALID_ARGUMENT);
      expect(message).toContain('empty message');
    }
    const withEmbed = await send({ content: '', embedsJson: Buffer.from('[{"title":"t"}]') });
    expect(withEmbed.message?.embedsJson.toString()).toBe('[{"title":"t"}]');
    expect((await failure(send({ content: '', embedsJson: Buffer.from('{"title":"t"}') }))).message).toContain('embeds_json');
  });

  it('a poll: a JSON object, enough on its own, read back and rewritten; anything else is INVALID_ARGUMENT naming poll_json', async () => {
    const poll = '{"question":{"text":"Which?"},"answers":[{"answer_id":1,"poll_media":{"text":"this"}}],"expiry":null,"allow_multiselect":true,"layout_type":1}';
    const created = await send({ content: '', pollJson: Buffer.from(poll) });
    expect(created.message?.pollJson?.toString()).toBe(poll);
    const got = await client.getMessage({ channelId: CHANNEL, messageId: created.message!.id });
    expect(got.message?.pollJson?.toString()).toBe(poll);
    expect((await send({ content: 'no poll' })).message?.pollJson).toBeUndefined();
    const ended = poll.replace('"expiry":null', '"expiry":"2030-01-01T00:00:00.000000+00:00"');
    const edited = await client.editMessage(messagesV1.EditMessageRequest.fromPartial({ channelId: CHANNEL, messageId: created.message!.id, pollJson: Buffer.from(ended) }));
    expect(edited.message?.pollJson?.toString()).toBe(ended);
    expect(edited.message?.editedTimestamp).toBeUndefined();
    for (const call of [
      () => send({ pollJson: Buffer.from('[]') }),
      () => send({ content: '', pollJson: Buffer.from('not json') }),
      () => client.editMessage(messagesV1.EditMessageRequest.fromPartial({ channelId: CHANNEL, messageId: created.message!.id, pollJson: Buffer.from('null') })),
    ]) {
      const { code, message } = await failure(call());
      expect(code).toBe(status.INVALID_ARGUMENT);
      expect(message).toBe('poll_json: must be a JSON object');
    }
  });

  it('unknown channel: NOT_FOUND; unknown message: NOT_FOUND', async () => {
    const channel = await failure(send({ channelId: OTHER_CHANNEL }));
    expect(channel).toEqual({ code: status.NOT_FOUND, message: `unknown channel ${OTHER_CHANNEL}` });
    expect((await failure(client.getHistory({ channelId: OTHER_CHANNEL, limit: 50, anchor: undefined }))).code).toBe(status.NOT_FOUND);
    const message = await failure(client.getMessage({ channelId: CHANNEL, messageId: '1300000000000000000' }));
    expect(message).toEqual({ code: status.NOT_FOUND, message: `unknown message 1300000000000000000 in channel ${CHANNEL}` });
  });

  it('store saturated past its queue: RESOURCE_EXHAUSTED', async () => {
    fixture.store.hold('history');
    const running = client.getHistory({ channelId: CHANNEL, limit: 5, anchor: undefined });
    const queued = client.getHistory({ channelId: CHANNEL, limit: 6, anchor: undefined }, { timeoutMs: 5000 });
    await expect.poll(() => fixture.service.queueState()).toEqual({ inUse: 1, queued: 1 });
    const refused = await failure(client.getHistory({ channelId: CHANNEL, limit: 7, anchor: undefined }));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    fixture.store.open();
    await Promise.all([running, queued]);
    // Deadline while queued: the server answers RESOURCE_EXHAUSTED just before the caller's deadline.
    fixture.store.hold('history');
    const blocker = client.getHistory({ channelId: CHANNEL, limit: 8, anchor: undefined });
    await expect.poll(() => fixture.service.queueState().inUse).toBe(1);
    const late = await failure(client.getHistory({ channelId: CHANNEL, limit: 9, anchor: undefined }, { timeoutMs: 300 }));
    expect(late.code).toBe(status.RESOURCE_EXHAUSTED);
    fixture.store.open();
    await blocker;
  });

  it('counts requests by method on the metrics registry', async () => {
    const text = await fixture.registry.getSingleMetricAsString('chat_data_requests_total');
    expect(text).toMatch(/chat_data_requests_total\{method="GetHistory"\} \d+/);
    expect(text).toMatch(/chat_data_requests_total\{method="CreateMessage"\} \d+/);
  });
});
