import { InternalError, InvalidArgumentError } from '@chat/errors';

/** Thrown when a target or dependency names a module nobody registered. */
export class UnknownModuleError extends InvalidArgumentError {
  constructor(
    readonly moduleName: string,
    readonly known: readonly string[],
  ) {
    super(`unknown module "${moduleName}"; known modules: ${known.join(', ')}`, { details: { module: moduleName } });
  }
}

/** Thrown when module dependencies form a cycle; names the cycle. */
export class ModuleCycleError extends InvalidArgumentError {
  constructor(readonly cycle: readonly string[]) {
    super(`module dependencies form a cycle: ${cycle.join(' -> ')}`);
  }
}

/** Thrown when a module fails to start, or reports a failure while running; wraps the module's error. */
export class ModuleFailedError extends InternalError {
  constructor(
    readonly moduleName: string,
    cause: unknown,
  ) {
    super(`module ${moduleName} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Thrown by `context.get` when a module asks for a module it did not declare as a dependency. */
export class UndeclaredDependencyError extends InternalError {
  constructor(
    readonly moduleName: string,
    readonly requested: string,
  ) {
    super(`module ${moduleName} asked for ${requested}, which is not in its dependsOn list`);
  }
}
