// Deployable of the read-states service alone (same module code as apps/server --target=read-states).
import { busModule } from '@chat/bus';
import { readStatesModule } from '@chat/read-states';
import { grpcServerModule, idsModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';
import { storeModule } from '@chat/store';

await runMain([grpcServerModule(loadDescriptorSet), idsModule, busModule, storeModule, readStatesModule] as ModuleDefinition[], 'read-states');
