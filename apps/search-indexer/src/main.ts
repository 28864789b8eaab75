// Deployable of the search-indexer service alone (same module code as apps/server --target=search-indexer).
import { busModule } from '@chat/bus';
import { searchIndexerModule } from '@chat/search-indexer';
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), busModule, searchIndexerModule] as ModuleDefinition[], 'search-indexer');
