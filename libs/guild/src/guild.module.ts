import { grpcServiceModule } from '@chat/modules';
import { guildV1 } from '@chat/proto';
import { notImplementedHandlers } from '@chat/rpc';

/**
 * The guild service module: one actor per guild (members, channels, roles, presence, voice states), batched fan-out to gateway nodes.
 * Today it serves its contract (GuildService) with health and reflection; every
 * method answers UNIMPLEMENTED until issue #4 fills it in.
 */
export const guildModule = grpcServiceModule({
  name: 'guild',
  definition: guildV1.GuildServiceService,
  configSchema: {},
  handlers: () => notImplementedHandlers(guildV1.GuildServiceService, 'issue #4'),
});
