import { stringSetting, portSetting, intSetting } from '@chat/config';
import { GrpcServer } from '@chat/rpc';
import { defineModule, moduleKey } from '../module';

/** What service modules take from the `grpc-server` module. */
export const GRPC_SERVER = moduleKey<GrpcServer>('grpc-server');

const configSchema = {
  host: stringSetting('CHAT_GRPC_HOST', { default: '127.0.0.1', description: 'address the gRPC server binds (0.0.0.0 in containers)' }),
  port: portSetting('CHAT_GRPC_PORT', { default: 50051, description: 'gRPC server port (0 picks a free one)' }),
  graceMs: intSetting('CHAT_GRPC_SHUTDOWN_GRACE_MS', { default: 5000, description: 'time running calls get to finish at shutdown', unit: 'ms', min: 0 }),
};

/**
 * The process's one gRPC server, started before every service module so they
 * can add their services to it; it stops last. Health and reflection ride on it.
 */
export function grpcServerModule(descriptorSet: () => Uint8Array) {
  return defineModule({
    name: GRPC_SERVER.name,
    kind: 'infrastructure',
    dependsOn: [],
    configSchema,
    create: (config) => {
      let server: GrpcServer | undefined;
      let address = '';
      return {
        async start(context) {
          server = new GrpcServer({ logger: context.logger, descriptorSet: descriptorSet(), registry: context.metrics });
          const port = await server.listen(config.host, config.port);
          address = `${config.host}:${port}`;
          return server;
        },
        async stop() {
          await server?.stop(config.graceMs);
        },
        endpoints: () => ({ grpc: address }),
      };
    },
  });
}
