// Deployable of the API service alone (same module code as apps/server --target=api).
import { apiModule } from '@chat/api';
import { objectStoreModule } from '@chat/object-store';
import { storeModule } from '@chat/store';
import { grpcServerModule, httpServerModule, idsModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), httpServerModule, idsModule, storeModule, objectStoreModule, apiModule] as ModuleDefinition[], 'api');
