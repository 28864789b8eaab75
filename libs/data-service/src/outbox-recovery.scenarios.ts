/**
 * The outbox guarantee, as scenarios run on a real store (SQLite in the unit
 * project, Cassandra in the integration project): a process that dies
 * between a write and its publish loses no event, and one whose write never
 * happened publishes nothing.
 */
import { decodeEnvelope, MemoryEventBus, MESSAGES_TOPIC, type BusHeaders, type EventBus } from '@chat/bus';
import { silentLogger } from '@chat/observability';
import type { eventsV1 } from '@chat/proto';
import { SnowflakeGenerator } from '@chat/snowflake';
import type { Store } from '@chat/store';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataService } from './data-service.module';
import type { DataServiceStore } from './store.module';
import { testConfig } from './test-fixtures';
import type { MessageStore } from './store.types';

/** A bus whose publishes never complete: the process "dies" before the publish is acknowledged. */
class StuckBus implements EventBus {
  publishes = 0;
  publish(_topic: string, _key: string, _value: Uint8Array, _headers?: BusHeaders): Promise<void> {
    this.publishes += 1;
    return new Promise(() => undefined);
  }
  subscribe(): never {
    throw new Error('not used');
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A messages port whose writes never complete: the process "dies" after recording the event, before the write. */
function stuckWrites(messages: MessageStore): MessageStore {
  const never = () => new Promise<never>(() => undefined);
  return { ...bind(messages), create: never, edit: never, delete: never, bulkDelete: never };
}

function bind(messages: MessageStore): MessageStore {
  return {
    create: messages.create.bind(messages),
    get: messages.get.bind(messages),
    getMany: messages.getMany.bind(messages),
    history: messages.history.bind(messages),
    edit: messages.edit.bind(messages),
    delete: messages.delete.bind(messages),
    bulkDelete: messages.bulkDelete.bind(messages),
    close: messages.close.bind(messages),
  };
}

/** Registers the scenarios for one store backend. `open` returns a store with a channel `channelId` in guild `guildId`. */
export function describeOutboxRecovery(backend: string, open: () => Promise<{ store: Store; channelId: string; guildId: string; dispose: () => Promise<void> }>): void {
  describe(`outbox recovery on ${backend}`, () => {
    let store: Store;
    let channelId: string;
    let guildId: string;
    let dispose: () => Promise<void>;
    let worker = 10;
    beforeAll(async () => {
      ({ store, channelId, guildId, dispose } = await open());
    });
    afterAll(async () => {
      await dispose?.();
    });

    /** One data-service "process": its own id generator, the shared store, the given bus and messages port. */
    function processWith(owner: string, bus: EventBus, messages: MessageStore = store.messages) {
      worker += 1;
      const parts: DataServiceStore = { messages, outbox: store.outbox };
      return buildDataService({
        store: parts,
        bus,
        ids: new SnowflakeGenerator({ workerId: worker % 32, processId: 7 }),
        config: { ...testConfig, nodeId: owner, outboxRecoveryMs: 60_000 },
        registry: new Registry(),
        logger: silentLogger(),
      });
    }

    /** A bus with a reader that collects envelopes. */
    async function readBus() {
      const bus = new MemoryEventBus({ partitions: 1 });
      const seen: eventsV1.Envelope[] = [];
      await bus.subscribe(MESSAGES_TOPIC, 'reader', async (record) => void seen.push(decodeEnvelope(record.value)), { fromBeginning: true });
      const until = async (n: number) => {
        for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        return seen;
      };
      return { bus, seen, until };
    }

    const newMessage = (content: string) => ({
      message: {
        channelId,
        guildId,
        authorId: '1100000000000000001',
        content,
        tts: false,
        mentionEveryone: false,
        mentionUserIds: [],
        mentionRoleIds: [],
        attachmentsJson: '[]',
        embedsJson: '[]',
        nonce: null,
        type: 0,
        flags: 0,
        reference: null,
      },
      recipientUserIds: [],
      enforceNonce: false,
    });

    it('publishes, after a restart, the event of a write whose process died before the publish', async () => {
      const owner = `data-crash-${Date.now()}`;
      const stuck = new StuckBus();
      const first = processWith(owner, stuck);
      void first.service.create(newMessage('written, never published'));
      for (let i = 0; i < 500 && stuck.publishes === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(stuck.publishes).toBe(1); // the write is done, the publish hangs: now the process "dies"
      const [written] = await store.messages.history({ channelId, limit: 1 });
      expect(written?.content).toBe('written, never published');
      expect(await store.outbox.list(owner, { limit: 10 })).toHaveLength(1);

      const { bus, until } = await readBus();
      const second = processWith(owner, bus);
      const pass = await second.recovery!.start();
      expect(pass).toEqual({ published: 1, dropped: 0, inFlight: 0 });
      const events = await until(1);
      expect(events).toHaveLength(1);
      expect(events[0]!.event?.$case).toBe('messageCreated');
      expect(events[0]!.event?.$case === 'messageCreated' && events[0]!.event.messageCreated.message?.id).toBe(written!.id);
      expect(await store.outbox.list(owner, { limit: 10 })).toEqual([]);
      await second.close();
      await bus.close();
    });

    it('drops, after a restart, the event of a write that never happened', async () => {
      const owner = `data-nowrite-${Date.now()}`;
      const first = processWith(owner, new StuckBus(), stuckWrites(store.messages));
      void first.service.create(newMessage('never written'));
      for (let i = 0; i < 500 && (await store.outbox.list(owner, { limit: 10 })).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.outbox.list(owner, { limit: 10 })).toHaveLength(1);

      const { bus, seen } = await readBus();
      const second = processWith(owner, bus);
      expect(await second.recovery!.start()).toEqual({ published: 0, dropped: 1, inFlight: 0 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
      expect(await store.outbox.list(owner, { limit: 10 })).toEqual([]);
      await second.close();
      await bus.close();
    });

    it('recovers an edit and a delete with the message as it is now', async () => {
      const owner = `data-edit-${Date.now()}`;
      const { bus: setupBus } = await readBus();
      const setup = processWith(owner, setupBus);
      const { message: toEdit } = await setup.service.create(newMessage('before edit'));
      const { message: toDelete } = await setup.service.create(newMessage('to delete'));
      await setup.close();
      expect(await store.outbox.list(owner, { limit: 10 })).toEqual([]);

      const stuck = new StuckBus();
      const first = processWith(owner, stuck);
      await first.service.edit({ channelId, messageId: toEdit.id, patch: { content: 'after edit' }, recipientUserIds: [] });
      await first.service.delete({ channelId, messageId: toDelete.id, recipientUserIds: [] });
      // Both writes answered; one channel publishes in order, so the delete waits behind the stuck edit: now the process "dies".
      expect(stuck.publishes).toBe(1);
      expect(await store.outbox.list(owner, { limit: 10 })).toHaveLength(2);

      const { bus, until } = await readBus();
      const second = processWith(owner, bus);
      expect(await second.recovery!.start()).toEqual({ published: 2, dropped: 0, inFlight: 0 });
      const events = await until(2);
      const byCase = new Map(events.map((e) => [e.event?.$case, e.event]));
      const updated = byCase.get('messageUpdated');
      expect(updated?.$case === 'messageUpdated' && updated.messageUpdated.message?.content).toBe('after edit');
      const deleted = byCase.get('messageDeleted');
      expect(deleted?.$case === 'messageDeleted' && deleted.messageDeleted.messageId).toBe(toDelete.id);
      await second.close();
      await bus.close();
    });

    it('a publish that failed in a running process is published by its next recovery pass, once', async () => {
      const owner = `data-retry-${Date.now()}`;
      const { bus, until, seen } = await readBus();
      let failNext = true;
      const flaky: EventBus = {
        publish: async (topic, key, value, headers) => {
          if (failNext) {
            failNext = false;
            throw new Error('broker unreachable');
          }
          await bus.publish(topic, key, value, headers);
        },
        subscribe: bus.subscribe.bind(bus),
        close: bus.close.bind(bus),
      };
      const running = processWith(owner, flaky);
      const { message } = await running.service.create(newMessage('publish fails once'));
      await running.events.publishesSettled();
      expect(seen).toEqual([]);
      expect(await running.recovery!.pass()).toEqual({ published: 1, dropped: 0, inFlight: 0 });
      const events = await until(1);
      expect(events.map((e) => e.event?.$case === 'messageCreated' && e.event.messageCreated.message?.id)).toEqual([message.id]);
      expect(await running.recovery!.pass()).toEqual({ published: 0, dropped: 0, inFlight: 0 });
      await running.close();
      expect(await store.outbox.list(owner, { limit: 10 })).toEqual([]);
      await bus.close();
    });

    it('answers writes while the bus does not answer, then publishes them in order once it does', async () => {
      const owner = `data-outage-${Date.now()}`;
      const { bus, until } = await readBus();
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      let attempted = 0;
      const down: EventBus = {
        publish: async (topic, key, value, headers) => {
          attempted += 1;
          await gate;
          await bus.publish(topic, key, value, headers);
        },
        subscribe: bus.subscribe.bind(bus),
        close: bus.close.bind(bus),
      };
      const running = processWith(owner, down);
      const created = [];
      for (let i = 0; i < 5; i++) created.push((await running.service.create(newMessage(`during outage ${i}`))).message.id);
      const edited = await running.service.edit({ channelId, messageId: created[0]!, patch: { content: 'edited during outage' }, recipientUserIds: [] });
      // Every write answered with the bus silent; one channel's events wait in order behind the first.
      expect(attempted).toBe(1);
      expect(running.events.pendingPublishes).toBe(6);
      expect(await store.outbox.list(owner, { limit: 10 })).toHaveLength(6);
      open();
      await running.events.publishesSettled();
      const events = await until(6);
      expect(events.map((e) => (e.event?.$case === 'messageCreated' ? e.event.messageCreated.message?.id : e.event?.$case))).toEqual([...created, 'messageUpdated']);
      expect(edited.content).toBe('edited during outage');
      await running.close();
      expect(await store.outbox.list(owner, { limit: 10 })).toEqual([]);
      await bus.close();
    });

    it('leaves the outbox empty on the normal path and never republishes what it is still working on', async () => {
      const owner = `data-normal-${Date.now()}`;
      const { bus, until } = await readBus();
      const running = processWith(owner, bus);
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => running.service.create(newMessage(`normal ${i}`))));
      const pass = await running.recovery!.pass();
      expect(pass.published).toBe(0);
      expect(pass.dropped).toBe(0);
      const events = await until(20);
      expect(events).toHaveLength(20);
      expect(new Set(events.map((e) => e.event?.$case === 'messageCreated' && e.event.messageCreated.message?.id))).toEqual(new Set(created.map((c) => c.message.id)));
      await running.close();
      expect(await store.outbox.list(owner, { limit: 100 })).toEqual([]);
      await bus.close();
    });
  });
}
