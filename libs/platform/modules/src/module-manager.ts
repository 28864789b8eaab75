import { loadConfig, type ConfigSources } from '@chat/config';
import type { Logger } from '@chat/observability';
import type { Registry } from 'prom-client';
import { ModuleFailedError, UndeclaredDependencyError } from './errors';
import type { Module, ModuleContext, ModuleDefinition, ModuleKey } from './module';
import { resolveTargets } from './resolve-targets';

/** The life of one module in the manager. */
export type ModuleState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** Told of every state change; the gRPC health service and the start-up banner listen. */
export type StateListener = (name: string, state: ModuleState, module: Module) => void;

interface Entry {
  definition: ModuleDefinition;
  module: Module;
  state: ModuleState;
  value?: unknown;
}

/**
 * Starts the selected modules in dependency order and stops them in reverse,
 * after Loki's module manager. Readiness is "every module running". When a
 * module fails to start, or reports a failure while running, the manager stops
 * everything it started and resolves `failed` with the reason, so the process
 * can exit instead of limping on.
 */
export class ModuleManager {
  private readonly entries = new Map<string, Entry>();
  private readonly order: string[];
  private readonly listeners = new Set<StateListener>();
  private failure: ModuleFailedError | undefined;
  private failedResolve: ((error: ModuleFailedError) => void) | undefined;
  private stopping: Promise<void> | undefined;
  /** Resolves with the first failure after start; never rejects. */
  readonly failed: Promise<ModuleFailedError>;

  constructor(
    definitions: readonly ModuleDefinition[],
    targets: readonly string[],
    private readonly options: {
      logger: Logger;
      metrics: Registry;
      config?: ConfigSources;
      /**
       * How long stopping everything may take (default: no limit). A module
       * still stopping when its share runs out is left behind, logged, and
       * the next one is stopped: a broker that does not answer cannot hold a
       * process past its orchestrator's grace period. Each module still gets
       * at least {@link MIN_STOP_SHARE_MS}.
       */
      stopDeadlineMs?: number;
    },
  ) {
    this.order = resolveTargets(definitions, targets);
    const byName = new Map(definitions.map((definition) => [definition.name, definition]));
    // Load every selected module's configuration before anything starts: a bad key fails fast.
    const configs = this.order.map((name) => {
      const definition = byName.get(name)!;
      return { definition, config: loadConfig(definition.configSchema, options.config) };
    });
    for (const { definition, config } of configs) {
      this.entries.set(definition.name, { definition, module: definition.create(config), state: 'new' });
    }
    this.failed = new Promise((resolve) => (this.failedResolve = resolve));
  }

  /** Module names in start order. */
  get modules(): readonly string[] {
    return this.order;
  }

  /** Subscribes to state changes; returns the unsubscribe. */
  onStateChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts every module in order; on a failure stops those already started and rethrows. */
  async start(): Promise<void> {
    for (const name of this.order) {
      const entry = this.entries.get(name)!;
      this.setState(entry, 'starting');
      const started = performance.now();
      try {
        entry.value = await entry.module.start(this.contextFor(entry));
      } catch (error) {
        const failure = new ModuleFailedError(name, error);
        this.setState(entry, 'failed');
        this.options.logger.error({ err: error, module: name }, 'module failed to start');
        await this.stop();
        throw failure;
      }
      this.setState(entry, 'running');
      this.options.logger.info({ module: name, ms: Math.round(performance.now() - started) }, 'module running');
    }
  }

  /** Stops running modules in reverse order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** True when every module is running and none failed. */
  isReady(): boolean {
    return !this.failure && [...this.entries.values()].every((entry) => entry.state === 'running');
  }

  /** Each module's state, for /ready. */
  describe(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([name, entry]) => [name, entry.state]));
  }

  /** The value a started module returned, or undefined when it is not part of this process or not started. */
  valueOf<T>(key: ModuleKey<T>): T | undefined {
    return this.entries.get(key.name)?.value as T | undefined;
  }

  /** Where the running modules listen. */
  endpoints(): Record<string, string> {
    return Object.assign({}, ...[...this.entries.values()].map((entry) => entry.module.endpoints?.() ?? {}));
  }

  private async stopAll(): Promise<void> {
    const deadline = this.options.stopDeadlineMs === undefined ? undefined : Date.now() + this.options.stopDeadlineMs;
    for (const name of [...this.order].reverse()) {
      const entry = this.entries.get(name)!;
      if (entry.state !== 'running' && entry.state !== 'failed') continue;
      const wasFailed = entry.state === 'failed';
      this.setState(entry, 'stopping');
      const share = deadline === undefined ? undefined : Math.max(MIN_STOP_SHARE_MS, deadline - Date.now());
      try {
        const outcome = await withinMs(entry.module.stop(), share);
        if (outcome === 'late') this.options.logger.warn({ module: name, waitedMs: share }, 'module did not stop within the stop deadline; left behind');
      } catch (error) {
        this.options.logger.error({ err: error, module: name }, 'module failed to stop cleanly');
      }
      this.setState(entry, wasFailed ? 'failed' : 'stopped');
    }
  }

  private contextFor(entry: Entry): ModuleContext {
    const name = entry.definition.name;
    return {
      logger: this.options.logger.child({ module: name }),
      metrics: this.options.metrics,
      get: <T>(key: ModuleKey<T>): T => {
        if (!entry.definition.dependsOn.includes(key.name)) throw new UndeclaredDependencyError(name, key.name);
        return this.entries.get(key.name)!.value as T;
      },
      fail: (error: unknown) => this.reportFailure(entry, error),
    };
  }

  private reportFailure(entry: Entry, error: unknown): void {
    if (this.failure) return;
    this.failure = new ModuleFailedError(entry.definition.name, error);
    this.options.logger.error({ err: error, module: entry.definition.name }, 'module failed while running');
    this.setState(entry, 'failed');
    this.failedResolve?.(this.failure);
  }

  private setState(entry: Entry, state: ModuleState): void {
    entry.state = state;
    for (const listener of this.listeners) listener(entry.definition.name, state, entry.module);
  }
}

/** The least time a module is given to stop, even past the deadline. */
export const MIN_STOP_SHARE_MS = 250;

/** Waits for `work` at most `ms` (no limit when undefined): 'done', or 'late' (work goes on unwatched; its rejection is dropped). */
async function withinMs(work: Promise<void>, ms: number | undefined): Promise<'done' | 'late'> {
  if (ms === undefined) {
    await work;
    return 'done';
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([work.then(() => 'done' as const), late]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
