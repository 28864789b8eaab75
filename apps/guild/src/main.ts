// Deployable of the guild service alone (same module code as apps/server --target=guild).
import { guildModule } from '@chat/guild';
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), guildModule] as ModuleDefinition[], 'guild');
