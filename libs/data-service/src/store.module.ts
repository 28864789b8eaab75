import { intSetting } from '@chat/config';
import { openStore, storeConfigSchema, toStoreOptions, type Store } from '@chat/store';
import { defineModule, moduleKey } from '@chat/modules';
import { MemoryMessageStore } from './memory-message-store';
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
}

/** The `store` module's value as the data service sees it. */
export const STORE = moduleKey<DataServiceStore>('store');

/**
 * Interim `store` module: an in-memory, non-durable message store with no
 * guilds port, so that the data service runs (and `npm start` works) until
 * @chat/store exports its module over SQLite / Scylla. Apps swap it for that
 * module; nothing else changes. CHAT_MEMORY_STORE_QUERY_DELAY_MS adds an
 * artificial per-query cost for benchmarks.
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

/**
 * The `store` module over @chat/store's real adapters (`openStore`: SQLite
 * file by default, or Scylla; keys CHAT_STORE, CHAT_SQLITE_PATH, CHAT_SCYLLA_*
 * from @chat/store's config schema). Defined here because @chat/store exports
 * no module yet; its value satisfies the STORE key (messages and guilds), so
 * unknown channels are NOT_FOUND. Apps still list `memoryStoreModule`: with this
 * one, a channel must exist in the guilds store before messages can be sent
 * to it, and nothing creates channels until the guild service does (issue #4).
 */
export const storeModule = defineModule({
  name: STORE.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema: storeConfigSchema,
  create: (config) => {
    let store: Store | undefined;
    return {
      async start(context) {
        store = await openStore(toStoreOptions(config));
        context.logger.info({ backend: store.backend }, 'message store open');
        return store;
      },
      async stop() {
        await store?.close();
      },
    };
  },
});
