import { grpcServiceModule } from '@chat/modules';
import { readstatesV1 } from '@chat/proto';
import { notImplementedHandlers } from '@chat/rpc';

/**
 * The read-states service module: per user and channel last-read id and mention count, LRU with batched persistence.
 * Today it serves its contract (ReadStateService) with health and reflection; every
 * method answers UNIMPLEMENTED until issue #5 fills it in.
 */
export const readStatesModule = grpcServiceModule({
  name: 'read-states',
  definition: readstatesV1.ReadStateServiceService,
  configSchema: {},
  handlers: () => notImplementedHandlers(readstatesV1.ReadStateServiceService, 'issue #5'),
});
