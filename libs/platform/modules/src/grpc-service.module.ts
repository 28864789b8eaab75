import type { ConfigOf, ConfigSchema } from '@chat/config';
import { serviceNameOf, type AsyncHandlers, type ServiceShape } from '@chat/rpc';
import { GRPC_SERVER } from './infrastructure/grpc-server.module';
import { defineModule, type ModuleContext, type ModuleDefinition } from './module';

/**
 * A service module whose whole job is to serve one gRPC service on the
 * process's shared server: `handlers` builds the handlers once the module's
 * configuration and context are known. Health follows the module's state.
 */
export function grpcServiceModule<D extends ServiceShape, S extends ConfigSchema>(options: {
  name: string;
  definition: D;
  configSchema: S;
  dependsOn?: readonly string[];
  handlers: (config: ConfigOf<S>, context: ModuleContext) => AsyncHandlers<D> | Promise<AsyncHandlers<D>>;
}): ModuleDefinition<S, void> {
  const serviceName = serviceNameOf(options.definition);
  return defineModule({
    name: options.name,
    kind: 'service',
    dependsOn: [GRPC_SERVER.name, ...(options.dependsOn ?? [])],
    configSchema: options.configSchema,
    create: (config) => ({
      grpcServices: [serviceName],
      async start(context) {
        context.get(GRPC_SERVER).addService(options.definition, await options.handlers(config, context));
      },
      async stop() {
        // The shared server stops last and drains the calls in flight.
      },
    }),
  });
}
