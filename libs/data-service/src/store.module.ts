import { intSetting } from '@chat/config';
import { defineModule, moduleKey } from '@chat/modules';
import { MemoryMessageStore } from './memory-message-store';
import type { OutboxStore } from '@chat/store';
import type { MessageStore, StoreCallOptions } from './store.types';

/** The part of the guilds port the data service uses: is there such a channel? */
export interface ChannelLookup {
  getChannel(channelId: string, options?: StoreCallOptions): Promise<unknown>;
}

/**
 * What the data service takes from the process's `store` module: the
 * messages port, and the guilds port for the unknown-channel check. The
 * shape follows @chat/store's ports (`messages`, `guilds`), so its module can
 * take this key's place without a change here.
 */
export interface DataServiceStore {
  messages: MessageStore;
  /** Without it (the interim memory store) every channel counts as existing. */
  guilds?: ChannelLookup;
  /** The event outbox; without it (the memory store) an event is lost if the process dies between a write and its publish. */
  outbox?: OutboxStore;
}

/** The `store` module's value as the data service sees it. */
export const STORE = moduleKey<DataServiceStore>('store');

/**
 * A `store` module for tests and benchmarks only: an in-memory, non-durable
 * message store with no guilds port (every channel counts as existing).
 * Deployments use `storeModule` of @chat/store (SQLite or Scylla), whose
 * value satisfies the same STORE key. CHAT_MEMORY_STORE_QUERY_DELAY_MS adds an
 * artificial per-query cost.
 */
export const memoryStoreModule = defineModule({
  name: STORE.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema: {
    queryDelayMs: intSetting('CHAT_MEMORY_STORE_QUERY_DELAY_MS', { default: 0, min: 0, max: 60_000, unit: 'ms', description: 'interim memory store: artificial time each query takes' }),
  },
  create: (config) => {
    const messages = new MemoryMessageStore({ queryDelayMs: config.queryDelayMs });
    return {
      async start(context) {
        context.logger.warn('message store is the interim in-memory store: nothing survives a restart, every channel counts as existing');
        const value: DataServiceStore = { messages };
        return value;
      },
      async stop() {
        await messages.close();
      },
    };
  },
});
