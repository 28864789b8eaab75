// Deployable of the read-states service alone (same module code as apps/server --target=read-states).
import { readStatesModule } from '@chat/read-states';
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), readStatesModule] as ModuleDefinition[], 'read-states');
