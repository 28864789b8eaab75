import { MemoryEventBus } from '@chat/bus';
import { CancelledError } from '@chat/errors';
import { messagesV1 } from '@chat/proto';
import { SemaphoreQueueFullError, SemaphoreTimeoutError } from '@chat/semaphore';
import { describe, expect, it } from 'vitest';
import { UnknownChannelError, UnknownMessageError } from './errors';
import { validateCreate, validateHistory } from './message-validation';
import { silentLogger } from '@chat/observability';
import { SnowflakeGenerator } from '@chat/snowflake';
import { Registry } from 'prom-client';
import { buildDataService } from './data-service.module';
import { AUTHOR, CHANNEL, OTHER_CHANNEL, testConfig, testService } from './test-fixtures';

const create = (content: string, extra: Partial<messagesV1.CreateMessageRequest> = {}) =>
  validateCreate(messagesV1.CreateMessageRequest.fromPartial({ channelId: CHANNEL, authorId: AUTHOR, content, ...extra }));
const history = (limit = 50, channelId = CHANNEL) => validateHistory(messagesV1.GetHistoryRequest.fromPartial({ channelId, limit }));
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MessageService: writes', () => {
  it('creates a durable message with a snowflake from the configured worker and process, then publishes MessageCreated', async () => {
    const { service, store, events } = await testService();
    const { message, deduplicated } = await service.create(create('hello'));
    expect(deduplicated).toBe(false);
    expect(store.count('create')).toBe(1);
    const id = BigInt(message.id);
    expect(Number((id >> 17n) & 31n)).toBe(1); // worker id
    expect(Number((id >> 12n) & 31n)).toBe(2); // process id
    expect(message.createdAt.getTime()).toBe(Number((id >> 22n) + 1420070400000n));
    const [envelope] = await events(1);
    expect(envelope!.event).toMatchObject({ $case: 'messageCreated', messageCreated: { message: { id: message.id, content: 'hello', channelId: CHANNEL } } });
    expect(envelope!.eventId).not.toBe(message.id);
    expect(envelope!.occurredAt).toEqual(message.createdAt);
  });

  it('pins and unpins without marking the message edited, and still publishes MessageUpdated', async () => {
    const { service, events } = await testService();
    const a = (await service.create(create('a'), {})).message;
    const pinned = await service.edit({ channelId: CHANNEL, messageId: a.id, patch: { pinned: true }, recipientUserIds: [] });
    expect(pinned).toMatchObject({ pinned: true, editedAt: null });
    const kinds = (await events(2)).map((e) => e.event?.$case);
    expect(kinds).toEqual(['messageCreated', 'messageUpdated']);
  });

  it('keeps a poll; rewriting only the poll is not an edit, rewriting it with content is', async () => {
    const { service, store, events } = await testService();
    const poll = '{"question":{"text":"Lunch?"},"answers":[{"answer_id":1,"poll_media":{"text":"Pizza"}}],"expiry":"2030-01-01T00:00:00.000000+00:00","allow_multiselect":false,"layout_type":1}';
    const a = (await service.create(create('', { pollJson: Buffer.from(poll) }))).message;
    expect(a.pollJson).toBe(poll);
    expect((await store.get(CHANNEL, a.id))?.pollJson).toBe(poll);
    const ended = poll.replace('2030-01-01', '2029-06-01');
    const rewritten = await service.edit({ channelId: CHANNEL, messageId: a.id, patch: { pollJson: ended }, recipientUserIds: [] });
    expect(rewritten).toMatchObject({ pollJson: ended, editedAt: null, content: '' });
    const edited = await service.edit({ channelId: CHANNEL, messageId: a.id, patch: { pollJson: poll, content: 'text' }, recipientUserIds: [] });
    expect(edited.pollJson).toBe(poll);
    expect(edited.editedAt).toBeInstanceOf(Date);
    const [, updated] = await events(3);
    expect(updated!.event).toMatchObject({ $case: 'messageUpdated', messageUpdated: { message: { id: a.id, pollJson: Buffer.from(ended) } } });
    expect((await service.create(create('no poll'))).message.pollJson).toBeNull();
  });

  it('edits, deletes and bulk deletes with their events, in order on the channel key', async () => {
    const { service, events } = await testService();
    const a = (await service.create(create('a'), {})).message;
    const b = (await service.create(create('b', { guildId: '1000000000000000001' }))).message;
    const c = (await service.create(create('c', { guildId: '1000000000000000001' }))).message;
    const edited = await service.edit({ channelId: CHANNEL, messageId: a.id, patch: { content: 'a2' }, recipientUserIds: [] });
    expect(edited.content).toBe('a2');
    expect(edited.editedAt).toBeInstanceOf(Date);
    const deleted = await service.delete({ channelId: CHANNEL, messageId: a.id, recipientUserIds: [] });
    expect(deleted.content).toBe('a2');
    expect(await service.bulkDelete({ channelId: CHANNEL, messageIds: [b.id, c.id, '1300000000000000000'] })).toEqual(expect.arrayContaining([b.id, c.id]));
    const kinds = (await events(6)).map((e) => e.event?.$case);
    expect(kinds).toEqual(['messageCreated', 'messageCreated', 'messageCreated', 'messageUpdated', 'messageDeleted', 'messagesBulkDeleted']);
    expect(await service.history(history())).toEqual([]);
  });

  it('returns the earlier message for an enforced nonce instead of creating another', async () => {
    const { service, store } = await testService();
    const first = await service.create(create('once', { nonce: 'n-1', enforceNonce: true }));
    const again = await service.create(create('once', { nonce: 'n-1', enforceNonce: true }));
    expect(again).toEqual({ message: first.message, deduplicated: true });
    expect(store.count('create')).toBe(1);
    const unenforced = await service.create(create('once', { nonce: 'n-1' }));
    expect(unenforced.deduplicated).toBe(false);
  });

  it('finds an enforced nonce created through another instance (a retry after failover) in the store', async () => {
    const first = await testService();
    const original = await first.service.create(create('sent once', { nonce: 'retry-1', enforceNonce: true }));
    // A second instance over the same store, with an empty nonce cache: the retry lands there.
    const second = buildDataService({ store: { messages: first.store }, bus: first.bus, ids: new SnowflakeGenerator({ workerId: 3, processId: 3 }), config: testConfig, registry: new Registry(), logger: silentLogger() });
    const retried = await second.service.create(create('sent once', { nonce: 'retry-1', enforceNonce: true }));
    expect(retried).toEqual({ message: original.message, deduplicated: true });
    expect(first.store.count('create')).toBe(1);
    // Another author's nonce, or the same nonce unenforced, creates a message.
    expect((await second.service.create(create('other author', { nonce: 'retry-1', enforceNonce: true, authorId: '1200000000000000009' }))).deduplicated).toBe(false);
    expect((await second.service.create(create('unenforced', { nonce: 'retry-1' }))).deduplicated).toBe(false);
  });

  it('keeps the write when the event cannot be published, and counts the failure', async () => {
    const bus = new MemoryEventBus();
    const { service, store, registry } = await testService({ bus });
    await bus.close();
    const { message } = await service.create(create('survives'));
    expect(await store.get(CHANNEL, message.id)).toBeDefined();
    expect(await registry.getSingleMetricAsString('chat_data_publish_failures_total')).toContain('chat_data_publish_failures_total{event="created"} 1');
  });
});

describe('MessageService: unknown channels and messages', () => {
  it('refuses a write to an unknown channel before touching the messages store', async () => {
    const { service, store } = await testService({ channels: new Set([CHANNEL]) });
    await expect(service.create(create('x', { channelId: OTHER_CHANNEL }))).rejects.toBeInstanceOf(UnknownChannelError);
    expect(store.count('create')).toBe(0);
  });

  it('checks the channel on reads only when the store found nothing, and remembers channels that exist', async () => {
    const { service, lookups } = await testService({ channels: new Set([CHANNEL]) });
    await service.create(create('x'));
    expect(lookups).toEqual([CHANNEL]);
    await service.history(history());
    expect(lookups).toEqual([CHANNEL]);
    await expect(service.history(history(50, OTHER_CHANNEL))).rejects.toBeInstanceOf(UnknownChannelError);
    await expect(service.get({ channelId: CHANNEL, messageId: '1300000000000000000' })).rejects.toBeInstanceOf(UnknownMessageError);
    await expect(service.get({ channelId: OTHER_CHANNEL, messageId: '1300000000000000000' })).rejects.toBeInstanceOf(UnknownChannelError);
    await expect(service.edit({ channelId: CHANNEL, messageId: '1300000000000000000', patch: { content: 'y' }, recipientUserIds: [] })).rejects.toBeInstanceOf(UnknownMessageError);
    await expect(service.delete({ channelId: OTHER_CHANNEL, messageId: '1300000000000000000', recipientUserIds: [] })).rejects.toBeInstanceOf(UnknownChannelError);
    await expect(service.batchGet({ channelId: OTHER_CHANNEL, messageIds: ['1300000000000000000'] })).rejects.toBeInstanceOf(UnknownChannelError);
  });
});

describe('MessageService: coalesced reads', () => {
  it('serves 1000 identical concurrent history reads with one store query', async () => {
    const { service, store, registry } = await testService();
    await service.create(create('hot'));
    store.hold('history');
    const reads = Array.from({ length: 1000 }, () => service.history(history()));
    await flush();
    expect(store.held).toBe(1);
    store.open();
    const pages = await Promise.all(reads);
    expect(store.count('history')).toBe(1);
    expect(pages.every((page) => page.length === 1 && page[0]!.content === 'hot')).toBe(true);
    expect(service.coalescingRatio()).toBe(1000);
    expect(await registry.getSingleMetricAsString('chat_data_coalescing_ratio')).toContain('chat_data_coalescing_ratio 1000');
    expect(await registry.getSingleMetricAsString('chat_data_store_queries_total')).toContain('operation="history"} 1');
  });

  it('runs each read on its own when coalescing is off', async () => {
    const { service, store } = await testService({ config: { coalesce: false, maxQueued: 1000 } });
    await Promise.all(Array.from({ length: 50 }, () => service.history(history())));
    expect(store.count('history')).toBe(50);
  });

  it('does not share reads of different pages or channels', async () => {
    const { service, store } = await testService();
    await Promise.all([service.history(history(50)), service.history(history(10)), service.history(history(50, OTHER_CHANNEL)), service.history(history(50))]);
    expect(store.count('history')).toBe(3);
  });

  it('lets a read that arrives after a write see it, even while an older identical read is in flight', async () => {
    const { service, store } = await testService();
    store.hold('history');
    const before = service.history(history());
    await flush();
    store.open();
    await service.create(create('new'));
    const after = service.history(history());
    expect(await after).toHaveLength(1);
    expect(store.count('history')).toBe(2);
    await before;
  });

  it('rejects only the caller that cancelled; the others get the page', async () => {
    const { service, store } = await testService();
    await service.create(create('kept'));
    store.hold('history');
    const leaving = new AbortController();
    const left = service.history(history(), { signal: leaving.signal });
    const stayed = service.history(history(), { signal: new AbortController().signal });
    await flush();
    leaving.abort();
    await expect(left).rejects.toBeInstanceOf(CancelledError);
    store.open();
    expect((await stayed)[0]!.content).toBe('kept');
    expect(store.count('history')).toBe(1);
  });

  it('returns batch gets in request order, leaving unknown ids out and sharing identical sets', async () => {
    const { service, store } = await testService();
    const ids: string[] = [];
    for (const content of ['1', '2', '3']) ids.push((await service.create(create(content))).message.id);
    const missing = '1300000000000000000';
    const [forward, backward] = await Promise.all([
      service.batchGet({ channelId: CHANNEL, messageIds: [ids[0]!, missing, ids[2]!] }),
      service.batchGet({ channelId: CHANNEL, messageIds: [ids[2]!, ids[0]!, missing] }),
    ]);
    expect(forward.map((m) => m.content)).toEqual(['1', '3']);
    expect(backward.map((m) => m.content)).toEqual(['3', '1']);
    expect(store.count('get_many')).toBe(1);
  });
});

describe('MessageService: bounded store concurrency', () => {
  it('refuses at once past the queue bound (RESOURCE_EXHAUSTED), and serves the rest once the store frees up', async () => {
    const { service, store } = await testService({ config: { maxConcurrentQueries: 1, maxQueued: 1, coalesce: false } });
    store.hold('history');
    const first = service.history(history());
    const second = service.history(history());
    await expect(service.history(history())).rejects.toBeInstanceOf(SemaphoreQueueFullError);
    expect(service.queueState()).toEqual({ inUse: 1, queued: 1 });
    store.open();
    await Promise.all([first, second]);
  });

  it('lets a queued caller wait until just before its deadline, then RESOURCE_EXHAUSTED', async () => {
    const { service, store } = await testService({ config: { maxConcurrentQueries: 1, maxQueued: 10, coalesce: false, deadlineMarginMs: 20 } });
    store.hold('history');
    const running = service.history(history());
    const started = performance.now();
    const error = await service.history(history(), { deadline: new Date(Date.now() + 120) }).catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(SemaphoreTimeoutError);
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
    store.open();
    await running;
  });
});
