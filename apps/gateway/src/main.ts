// Deployable of the gateway service alone (same module code as apps/server --target=gateway).
import { storeModule } from '@chat/store';
import { busModule } from '@chat/bus';
import { gatewayModule } from '@chat/gateway';
import { grpcServerModule, httpServerModule, runMain, type ModuleDefinition } from '@chat/modules';
import { loadDescriptorSet } from '@chat/proto';

await runMain([grpcServerModule(loadDescriptorSet), httpServerModule, busModule, storeModule, gatewayModule] as ModuleDefinition[], 'gateway');
