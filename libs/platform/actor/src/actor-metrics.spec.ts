import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultActorKind, registerActorMetrics } from './actor-metrics';
import { ActorSystem } from './actor-system';
import { counterBehaviour } from './fixtures/counter.actor';

/** The value of one sample line (`name{labels} value`) in the text exposition, or undefined. */
function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('actor metrics', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('samples mailbox depth, the deepest mailbox and live actors per kind at scrape time', async () => {
    const registry = new Registry();
    const system = new ActorSystem();
    registerActorMetrics(system, registry);
    const store = new Map<string, number>();
    const busy = system.spawn('guild:1', counterBehaviour(store, 'g1'));
    system.spawn('guild:2', counterBehaviour(store, 'g2'));
    system.spawn('session:a', counterBehaviour(store, 's'));
    await vi.advanceTimersByTimeAsync(0);
    busy.send({ type: 'inc-slow', ms: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 4; i++) busy.send({ type: 'inc' });

    const during = await registry.metrics();
    expect(sampleOf(during, 'chat_actor_mailbox_depth{kind="guild"}')).toBe(4);
    expect(sampleOf(during, 'chat_actor_mailbox_depth_max{kind="guild"}')).toBe(4);
    expect(sampleOf(during, 'chat_actor_mailbox_depth{kind="session"}')).toBe(0);
    expect(sampleOf(during, 'chat_actors{kind="guild"}')).toBe(2);
    expect(sampleOf(during, 'chat_actors{kind="session"}')).toBe(1);

    await vi.advanceTimersByTimeAsync(1000);
    const after = await registry.metrics();
    expect(sampleOf(after, 'chat_actor_mailbox_depth{kind="guild"}')).toBe(0);
    expect(store.get('g1')).toBe(5);
    await system.stopAll();
    expect(sampleOf(await registry.metrics(), 'chat_actors{kind="guild"}')).toBeUndefined();
  });

  it('sums several systems on one registry and stops sampling a system after its disposer ran', async () => {
    const registry = new Registry();
    const a = new ActorSystem();
    const b = new ActorSystem();
    registerActorMetrics(a, registry);
    const dispose = registerActorMetrics(b, registry);
    a.spawn('guild:1', counterBehaviour(new Map(), 'x'));
    b.spawn('guild:2', counterBehaviour(new Map(), 'y'));
    expect(sampleOf(await registry.metrics(), 'chat_actors{kind="guild"}')).toBe(2);
    dispose();
    expect(sampleOf(await registry.metrics(), 'chat_actors{kind="guild"}')).toBe(1);
    await Promise.all([a.stopAll(), b.stopAll()]);
  });

  it('labels by id prefix, never by the id', () => {
    expect(defaultActorKind('guild:81384788765712384')).toBe('guild');
    expect(defaultActorKind('session:abc/child')).toBe('session');
    expect(defaultActorKind('81384788765712384')).toBe('other');
  });
});
