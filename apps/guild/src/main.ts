// Deployable of the guild service alone (same module code as apps/server --target=guild).
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';
import { guildModule } from '@chat/guild';
import { storeModule } from '@chat/store';

await runMain([grpcServerModule(loadDescriptorSet), storeModule, guildModule] as ModuleDefinition[], 'guild');
