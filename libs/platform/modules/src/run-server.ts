import { describeConfig, intSetting, loadConfig, portSetting, readConfigFile, stringSetting } from '@chat/config';
import { createLogger, createMetricsRegistry, startOpsEndpoint, type Logger } from '@chat/observability';
import { startTracing, tracingSchema } from './tracing-settings';
import { GRPC_SERVER } from './infrastructure/grpc-server.module';
import type { ModuleDefinition } from './module';
import { ModuleManager } from './module-manager';
import { parseServerArgs } from './server-args';

const opsSchema = {
  host: stringSetting('CHAT_OPS_HOST', { default: '127.0.0.1', description: 'address of the /metrics, /ready, /healthz endpoint' }),
  port: portSetting('CHAT_OPS_PORT', { default: 9464, description: 'port of the /metrics, /ready, /healthz endpoint (0 picks a free one)' }),
  nodeId: stringSetting('CHAT_NODE_ID', { default: 'node-0', description: 'this process\'s name in logs, metrics and the ring', pattern: /^[A-Za-z0-9._-]+$/ }),
  stopTimeoutMs: intSetting('CHAT_STOP_TIMEOUT_MS', {
    default: 5_000,
    min: 500,
    max: 600_000,
    unit: 'ms',
    description: 'how long stopping may take on SIGTERM/SIGINT: a module still stopping when its share is used up (a broker that does not answer, say) is left behind and the process exits',
  }),
  ...tracingSchema,
};

/** Settings every server process reads, whatever its targets. */
export const serverConfigSchema = opsSchema;

/** How a server process ended. */
export interface ServerExit {
  code: number;
  reason: string;
}

/** A running server: its manager and a promise of how it ends. */
export interface RunningServer {
  manager: ModuleManager;
  endpoints: Record<string, string>;
  /** Resolves when a signal, a module failure or `shutdown` stopped the process. */
  exited: Promise<ServerExit>;
  shutdown(reason?: string): Promise<ServerExit>;
}

/**
 * The one binary's main: picks modules by `--target`, loads and validates
 * their configuration, serves /metrics and /ready, starts the modules in
 * dependency order, keeps gRPC health in step with module states, and stops
 * everything in reverse on SIGINT/SIGTERM or when a module fails.
 */
export async function startServer(options: {
  definitions: readonly ModuleDefinition[];
  argv: readonly string[];
  env?: NodeJS.ProcessEnv;
  defaultTarget?: string;
  logger?: Logger;
  handleSignals?: boolean;
}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const args = parseServerArgs(options.argv, env, options.defaultTarget ?? 'all');
  const file = args.configFile ? readConfigFile(args.configFile) : undefined;
  const sources = { env, file };
  const ops = loadConfig(opsSchema, sources);
  const logger = options.logger ?? createLogger({ name: ops.nodeId });
  const tracing = startTracing(ops.traceExporter, { env, targets: args.targets, nodeId: ops.nodeId });
  const metrics = createMetricsRegistry({ node: ops.nodeId });
  const manager = new ModuleManager(options.definitions, args.targets, { logger, metrics, config: sources, stopDeadlineMs: ops.stopTimeoutMs });

  manager.onStateChange((name, state, module) => {
    if (name === GRPC_SERVER.name) return;
    const server = grpcServerOf(manager);
    if (!server) return;
    for (const service of module.grpcServices ?? []) server.setServing(service, state === 'running');
    server.setOverallServing(manager.isReady());
  });

  const opsEndpoint = await startOpsEndpoint({ host: ops.host, port: ops.port, registry: metrics, readiness: manager });
  let resolveExit!: (exit: ServerExit) => void;
  const exited = new Promise<ServerExit>((resolve) => (resolveExit = resolve));
  let shuttingDown: Promise<ServerExit> | undefined;
  const shutdown = (reason = 'requested', code = 0): Promise<ServerExit> => {
    shuttingDown ??= (async () => {
      logger.info({ reason }, 'stopping');
      await manager.stop();
      await opsEndpoint.close();
      await tracing.shutdown();
      const exit = { code, reason };
      resolveExit(exit);
      return exit;
    })();
    return shuttingDown;
  };

  try {
    await manager.start();
  } catch (error) {
    await opsEndpoint.close();
    await tracing.shutdown();
    throw error;
  }
  grpcServerOf(manager)?.setOverallServing(manager.isReady());
  void manager.failed.then((failure) => shutdown(failure.message, 1));
  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => void shutdown(`received ${signal}`, 0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const endpoints = { ...manager.endpoints(), ops: `http://${ops.host}:${opsEndpoint.port}` };
  logger.info({ modules: manager.modules, endpoints }, 'ready');
  return { manager, endpoints, exited, shutdown: (reason) => shutdown(reason) };
}

/** The `--help` text: modules and every configuration key they read. */
export function serverHelp(definitions: readonly ModuleDefinition[]): string {
  const sections = definitions.map(
    (definition) =>
      `## ${definition.name} (${definition.kind}${definition.dependsOn.length ? `, needs ${definition.dependsOn.join(', ')}` : ''})\n\n${describeConfig(definition.configSchema)}`,
  );
  return [
    'usage: server [--target=all|<module>,...] [--config=file.json]',
    '',
    `## process\n\n${describeConfig(opsSchema)}`,
    ...sections,
  ].join('\n\n');
}

function grpcServerOf(manager: ModuleManager) {
  return manager.valueOf(GRPC_SERVER);
}
