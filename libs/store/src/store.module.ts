/**
 * The shared `store` infrastructure module: opens @chat/store over the
 * configured backend (CHAT_STORE sqlite|scylla, CHAT_SQLITE_PATH,
 * CHAT_SCYLLA_*) once per process and hands every port to the modules that
 * depend on it (guild, data service, gateway), then closes it on stop.
 */
import { defineModule, moduleKey } from '@chat/modules';
import { openStore, type Store } from './open-store';
import { storeConfigSchema, toStoreOptions } from './store-config';

/** The `store` module's value: every port of the opened store. */
export const STORE_MODULE = moduleKey<Store>('store');

/** The `store` module (infrastructure; modules list 'store' in dependsOn). */
export const storeModule = defineModule({
  name: STORE_MODULE.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema: storeConfigSchema,
  create: (config) => {
    let store: Store | undefined;
    return {
      async start(context) {
        store = await openStore(toStoreOptions(config));
        context.logger.info({ backend: store.backend }, 'store open');
        return store;
      },
      async stop() {
        await store?.close();
      },
    };
  },
});
