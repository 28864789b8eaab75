/**
 * The shared `object-store` infrastructure module: opens the configured
 * object store once per process (CHAT_OBJECT_STORE disk|s3) for the modules
 * that list it in dependsOn (the API), and closes it on stop.
 */
import { defineModule, moduleKey } from '@chat/modules';
import { objectStoreConfigSchema, openObjectStore } from './object-store-config';
import type { ObjectStore } from './object-store.port';

/** The module's value: the opened store. */
export const OBJECT_STORE_MODULE = moduleKey<ObjectStore>('object-store');

/** The `object-store` module. */
export const objectStoreModule = defineModule({
  name: OBJECT_STORE_MODULE.name,
  kind: 'infrastructure',
  dependsOn: [],
  configSchema: objectStoreConfigSchema,
  create: (config) => {
    let store: ObjectStore | undefined;
    return {
      async start(context) {
        store = await openObjectStore(config);
        context.logger.info({ backend: store.backend, ...(store.backend === 's3' ? { endpoint: config.s3Endpoint, bucket: config.s3Bucket } : {}) }, 'object store open');
        return store;
      },
      async stop() {
        await store?.close();
      },
    };
  },
});
