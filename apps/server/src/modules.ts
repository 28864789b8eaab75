import { busModule, dataServiceModule, memoryStoreModule } from '@chat/data-service';
import { gatewayModule } from '@chat/gateway';
import { guildModule } from '@chat/guild';
import { grpcServerModule, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';
import { readStatesModule } from '@chat/read-states';
import { searchIndexerModule } from '@chat/search-indexer';
import { voiceModule } from '@chat/voice';

/** Every module this binary can run; `--target` picks among the service ones. */
export const allModules: readonly ModuleDefinition[] = [
  grpcServerModule(loadDescriptorSet),
  // Infrastructure the data service needs; the interim memory store gives way to @chat/store's module when it exports one.
  busModule,
  memoryStoreModule,
  gatewayModule,
  guildModule,
  dataServiceModule,
  readStatesModule,
  searchIndexerModule,
  voiceModule,
] as readonly ModuleDefinition[];
