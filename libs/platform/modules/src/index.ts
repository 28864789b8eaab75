export { defineModule, moduleKey, type Module, type ModuleContext, type ModuleDefinition, type ModuleKey } from './module';
export { ModuleManager, type ModuleState, type StateListener } from './module-manager';
export { resolveTargets } from './resolve-targets';
export { parseServerArgs, UsageError, type ServerArgs } from './server-args';
export { startServer, serverHelp, serverConfigSchema, type RunningServer, type ServerExit } from './run-server';
export { grpcServerModule, GRPC_SERVER } from './infrastructure/grpc-server.module';
export { UnknownModuleError, ModuleCycleError, ModuleFailedError, UndeclaredDependencyError } from './errors';
export { grpcServiceModule } from './grpc-service.module';
export { runMain } from './run-main';
