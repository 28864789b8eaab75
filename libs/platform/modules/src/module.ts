import type { ConfigOf, ConfigSchema } from '@chat/config';
import type { Logger } from '@chat/observability';
import type { Registry } from 'prom-client';

/** A typed handle on what a module hands to the modules that depend on it. */
export interface ModuleKey<T> {
  readonly name: string;
  /** Type marker only. */
  readonly __value?: T;
}

/** Creates a typed key for a module name. */
export function moduleKey<T>(name: string): ModuleKey<T> {
  return { name };
}

/** What a module sees while it starts and runs. */
export interface ModuleContext {
  readonly logger: Logger;
  readonly metrics: Registry;
  /** The value a declared dependency returned from its start. */
  get<T>(key: ModuleKey<T>): T;
  /** Reports a fatal failure after start (a lost connection that will not come back); the process stops. */
  fail(error: unknown): void;
}

/** A started-and-stoppable component of the process. */
export interface Module<Value = unknown> {
  /** Resolves when the module is ready to serve; the value is shared with dependents. */
  start(context: ModuleContext): Promise<Value>;
  /** Stops the module; dependents are already stopped. */
  stop(): Promise<void>;
  /** gRPC services this module serves; their health follows the module's state. */
  readonly grpcServices?: readonly string[];
  /** Where the module listens, for the start-up banner (name -> address). */
  endpoints?(): Record<string, string>;
}

/**
 * A named module with its dependencies and configuration: the unit the
 * `--target` flag selects. Only selected modules' configuration is read, so a
 * single-service deployment needs only its own keys.
 */
export interface ModuleDefinition<S extends ConfigSchema = ConfigSchema, Value = unknown> {
  readonly name: string;
  /** `service` modules are what `--target=all` selects; `infrastructure` ones come in as dependencies. */
  readonly kind: 'service' | 'infrastructure';
  readonly dependsOn: readonly string[];
  readonly configSchema: S;
  create(config: ConfigOf<S>): Module<Value>;
}

/** Declares a module definition with its config type inferred. */
export function defineModule<S extends ConfigSchema, Value>(definition: ModuleDefinition<S, Value>): ModuleDefinition<S, Value> {
  return definition;
}
