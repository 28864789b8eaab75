import { describe, expect, it } from 'vitest';
import { intSetting } from '@chat/config';
import { ConfigError } from '@chat/config';
import { createMetricsRegistry, silentLogger } from '@chat/observability';
import { ModuleCycleError, ModuleFailedError, UndeclaredDependencyError, UnknownModuleError } from './errors';
import { defineModule, moduleKey, type ModuleDefinition } from './module';
import { MIN_STOP_SHARE_MS, ModuleManager } from './module-manager';
import { resolveTargets } from './resolve-targets';

function recorder() {
  const events: string[] = [];
  const define = (
    name: string,
    dependsOn: string[],
    options: { kind?: 'service' | 'infrastructure'; failStart?: boolean; onStart?: (ctx: Parameters<NonNullable<ModuleDefinition['create']>>[0]) => void } = {},
  ) =>
    defineModule({
      name,
      kind: options.kind ?? 'service',
      dependsOn,
      configSchema: {},
      create: () => ({
        async start() {
          await new Promise((resolve) => setTimeout(resolve, 1));
          events.push(`start ${name}`);
          if (options.failStart) throw new Error(`${name} cannot start`);
          return `${name}-value`;
        },
        async stop() {
          events.push(`stop ${name}`);
        },
      }),
    });
  return { events, define };
}

const options = () => ({ logger: silentLogger(), metrics: createMetricsRegistry() });

describe('resolveTargets', () => {
  const { define } = recorder();
  const definitions = [
    define('server', [], { kind: 'infrastructure' }),
    define('store', ['server'], { kind: 'infrastructure' }),
    define('guild', ['server', 'store']),
    define('gateway', ['server', 'guild']),
    define('voice', ['server']),
  ];

  it('puts every module after its dependencies and includes them', () => {
    expect(resolveTargets(definitions, ['gateway'])).toEqual(['server', 'store', 'guild', 'gateway']);
    expect(resolveTargets(definitions, ['voice'])).toEqual(['server', 'voice']);
  });

  it('expands all to the service modules only, each once', () => {
    expect(resolveTargets(definitions, ['all'])).toEqual(['server', 'store', 'guild', 'gateway', 'voice']);
    expect(resolveTargets(definitions, ['voice', 'all', 'voice'])).toEqual(['server', 'voice', 'store', 'guild', 'gateway']);
  });

  it('names unknown modules and cycles', () => {
    expect(() => resolveTargets(definitions, ['chat'])).toThrow(UnknownModuleError);
    expect(() => resolveTargets(definitions, ['chat'])).toThrow('known modules: server, store, guild, gateway, voice');
    const cyclic = [define('a', ['b']), define('b', ['c']), define('c', ['a'])];
    expect(() => resolveTargets(cyclic, ['a'])).toThrow(ModuleCycleError);
    expect(() => resolveTargets(cyclic, ['a'])).toThrow('a -> b -> c -> a');
  });
});

describe('ModuleManager', () => {
  it('starts in dependency order, reports readiness, stops in reverse', async () => {
    const { events, define } = recorder();
    const manager = new ModuleManager([define('server', [], { kind: 'infrastructure' }), define('guild', ['server']), define('gateway', ['guild'])], ['gateway'], options());
    const states: string[] = [];
    manager.onStateChange((name, state) => states.push(`${name}:${state}`));
    expect(manager.isReady()).toBe(false);
    await manager.start();
    expect(manager.isReady()).toBe(true);
    expect(manager.describe()).toEqual({ server: 'running', guild: 'running', gateway: 'running' });
    await manager.stop();
    await manager.stop();
    expect(events).toEqual(['start server', 'start guild', 'start gateway', 'stop gateway', 'stop guild', 'stop server']);
    expect(states.slice(0, 2)).toEqual(['server:starting', 'server:running']);
    expect(manager.isReady()).toBe(false);
  });

  it('stops what it started when a module fails to start, and rethrows naming it', async () => {
    const { events, define } = recorder();
    const manager = new ModuleManager(
      [define('server', [], { kind: 'infrastructure' }), define('guild', ['server'], { failStart: true }), define('gateway', ['guild'])],
      ['all'],
      options(),
    );
    const error = await manager.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleFailedError);
    expect((error as Error).message).toBe('module guild failed: guild cannot start');
    expect(events).toEqual(['start server', 'start guild', 'stop guild', 'stop server']);
    expect(manager.describe()['gateway']).toBe('new');
  });

  it('hands dependency values through the context and refuses undeclared ones', async () => {
    const seen: unknown[] = [];
    const base = defineModule({ name: 'base', kind: 'infrastructure', dependsOn: [], configSchema: {}, create: () => ({ start: async () => 42, stop: async () => {} }) });
    const user = defineModule({
      name: 'user',
      kind: 'service',
      dependsOn: ['base'],
      configSchema: {},
      create: () => ({
        async start(context) {
          seen.push(context.get(moduleKey<number>('base')));
          try {
            context.get(moduleKey('other'));
          } catch (error) {
            seen.push(error);
          }
        },
        stop: async () => {},
      }),
    });
    const manager = new ModuleManager([base, user], ['user'], options());
    await manager.start();
    expect(seen[0]).toBe(42);
    expect(seen[1]).toBeInstanceOf(UndeclaredDependencyError);
    expect(manager.valueOf(moduleKey<number>('base'))).toBe(42);
    await manager.stop();
  });

  it('resolves failed when a running module reports a failure', async () => {
    let fail: ((error: unknown) => void) | undefined;
    const flaky = defineModule({
      name: 'flaky',
      kind: 'service',
      dependsOn: [],
      configSchema: {},
      create: () => ({
        async start(context) {
          fail = context.fail;
        },
        stop: async () => {},
      }),
    });
    const manager = new ModuleManager([flaky], ['all'], options());
    await manager.start();
    fail?.(new Error('lost the stream'));
    const failure = await manager.failed;
    expect(failure.message).toBe('module flaky failed: lost the stream');
    expect(manager.isReady()).toBe(false);
    await manager.stop();
  });

  it('loads only the selected modules\' configuration and names a bad key before starting anything', () => {
    const { events } = recorder();
    const needsKey = defineModule({
      name: 'needy',
      kind: 'service',
      dependsOn: [],
      configSchema: { size: intSetting('CHAT_NEEDY_SIZE', { description: 'size', min: 1 }) },
      create: () => ({ start: async () => events.push('started'), stop: async () => {} }),
    });
    const other = defineModule({ name: 'other', kind: 'service', dependsOn: [], configSchema: {}, create: () => ({ start: async () => {}, stop: async () => {} }) });
    expect(() => new ModuleManager([needsKey, other], ['other'], options())).not.toThrow();
    expect(() => new ModuleManager([needsKey, other], ['needy'], { ...options(), config: { env: { CHAT_NEEDY_SIZE: '0' } } })).toThrow(ConfigError);
    expect(() => new ModuleManager([needsKey, other], ['needy'], { ...options(), config: { env: {} } })).toThrow('CHAT_NEEDY_SIZE');
    expect(events).toEqual([]);
  });
});

describe('ModuleManager stop deadline', () => {
  it('leaves a module that does not stop behind after its share and still stops the ones it depends on', async () => {
    const events: string[] = [];
    const module = (name: string, dependsOn: string[], stop: () => Promise<void>) =>
      defineModule({ name, kind: 'service', dependsOn, configSchema: {}, create: () => ({ start: async () => name, stop }) });
    const definitions = [
      module('store', [], async () => void events.push('stop store')),
      module('bus', ['store'], () => new Promise<void>(() => events.push('stop bus (never ends)'))),
      module('gateway', ['bus'], async () => void events.push('stop gateway')),
    ];
    const manager = new ModuleManager(definitions, ['gateway'], { ...options(), stopDeadlineMs: 600 });
    await manager.start();
    const started = Date.now();
    await manager.stop();
    const took = Date.now() - started;
    expect(events).toEqual(['stop gateway', 'stop bus (never ends)', 'stop store']);
    expect(took).toBeGreaterThanOrEqual(550);
    // The hung module used the deadline; the store after it still got its minimum share, nothing more.
    expect(took).toBeLessThan(600 + MIN_STOP_SHARE_MS + 200);
    expect(manager.describe()).toEqual({ store: 'stopped', bus: 'stopped', gateway: 'stopped' });
  });

  it('waits for every module without a deadline', async () => {
    const { events, define } = recorder();
    const manager = new ModuleManager([define('a', []), define('b', ['a'])], ['b'], options());
    await manager.start();
    await manager.stop();
    expect(events.slice(-2)).toEqual(['stop b', 'stop a']);
  });
});
