import { grpcServiceModule } from '@chat/modules';
import { gatewayV1 } from '@chat/proto';
import { notImplementedHandlers } from '@chat/rpc';

/**
 * The gateway service module: Discord's WebSocket gateway and REST API, one session actor per connection.
 * Today it serves its contract (GatewayService) with health and reflection; every
 * method answers UNIMPLEMENTED until issue #4 fills it in.
 */
export const gatewayModule = grpcServiceModule({
  name: 'gateway',
  definition: gatewayV1.GatewayServiceService,
  configSchema: {},
  handlers: () => notImplementedHandlers(gatewayV1.GatewayServiceService, 'issue #4'),
});
