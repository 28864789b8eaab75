// Deployable of the voice service alone (same module code as apps/server --target=voice).
import { voiceModule } from '@chat/voice';
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), voiceModule] as ModuleDefinition[], 'voice');
