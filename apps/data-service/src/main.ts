// Deployable of the data-service service alone (same module code as apps/server --target=data-service).
import { busModule } from '@chat/bus';
import { dataServiceModule } from '@chat/data-service';
import { grpcServerModule, idsModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';
import { storeModule } from '@chat/store';

await runMain([grpcServerModule(loadDescriptorSet), idsModule, busModule, storeModule, dataServiceModule] as ModuleDefinition[], 'data-service');
