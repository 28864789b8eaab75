// Deployable of the data-service service alone (same module code as apps/server --target=data-service).
import { busModule, dataServiceModule, memoryStoreModule } from '@chat/data-service';
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), busModule, memoryStoreModule, dataServiceModule] as ModuleDefinition[], 'data-service');
