import { describe, expect, it } from 'vitest';
import { bindActorId, noopActorLogger, type ActorLogger } from './logger';

describe('bindActorId', () => {
  it('adds actorId to every level and keeps the message', () => {
    const lines: [string, Record<string, unknown>, string][] = [];
    const base: ActorLogger = {
      debug: (f, m) => void lines.push(['debug', f, m]),
      info: (f, m) => void lines.push(['info', f, m]),
      warn: (f, m) => void lines.push(['warn', f, m]),
      error: (f, m) => void lines.push(['error', f, m]),
    };
    const log = bindActorId(base, 'guild:9');
    log.debug({ a: 1 }, 'd');
    log.info({}, 'i');
    log.warn({ b: 2 }, 'w');
    log.error({ actorId: 'x' }, 'e');
    expect(lines).toEqual([
      ['debug', { actorId: 'guild:9', a: 1 }, 'd'],
      ['info', { actorId: 'guild:9' }, 'i'],
      ['warn', { actorId: 'guild:9', b: 2 }, 'w'],
      ['error', { actorId: 'x' }, 'e'],
    ]);
  });

  it('binds to a no-op logger without throwing', () => {
    expect(() => bindActorId(noopActorLogger, 'a').error({}, 'x')).not.toThrow();
  });
});
