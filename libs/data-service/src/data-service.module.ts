import { grpcServiceModule } from '@chat/modules';
import { messagesV1 } from '@chat/proto';
import { notImplementedHandlers } from '@chat/rpc';

/**
 * The data-service service module: messages (create, history, edit, delete) with request coalescing and channel-affine routing.
 * Today it serves its contract (MessageService) with health and reflection; every
 * method answers UNIMPLEMENTED until issue #3 fills it in.
 */
export const dataServiceModule = grpcServiceModule({
  name: 'data-service',
  definition: messagesV1.MessageServiceService,
  configSchema: {},
  handlers: () => notImplementedHandlers(messagesV1.MessageServiceService, 'issue #3'),
});
