// Deployable of the gateway service alone (same module code as apps/server --target=gateway).
import { gatewayModule } from '@chat/gateway';
import { grpcServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), gatewayModule] as ModuleDefinition[], 'gateway');
