import { apiModule } from '@chat/api';
import { busModule } from '@chat/bus';
import { dataServiceModule } from '@chat/data-service';
import { gatewayModule } from '@chat/gateway';
import { grpcServerModule, httpServerModule, idsModule, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';
import { readStatesModule } from '@chat/read-states';
import { searchIndexerModule } from '@chat/search-indexer';
import { guildModule } from '@chat/guild';
import { objectStoreModule } from '@chat/object-store';
import { storeModule } from '@chat/store';
import { voiceModule } from '@chat/voice';

/** Every module this binary can run; `--target` picks among the service ones. */
export const allModules: readonly ModuleDefinition[] = [
  grpcServerModule(loadDescriptorSet),
  // Infrastructure: the bus, and the shared store module of @chat/store (SQLite file by default). The gateway
  // and the guild service need its users and guilds ports, which the interim memory store does not have.
  httpServerModule,
  idsModule,
  busModule,
  storeModule,
  objectStoreModule,
  apiModule,
  gatewayModule,
  guildModule,
  dataServiceModule,
  readStatesModule,
  searchIndexerModule,
  voiceModule,
] as readonly ModuleDefinition[];
