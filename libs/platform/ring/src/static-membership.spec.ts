import { describe, expect, it } from 'vitest';
import { InvalidRingArgumentError, type MembershipChange, StaticMembership } from './index';

const a = { id: 'a', address: '10.0.0.1:1' };
const b = { id: 'b', address: '10.0.0.2:1' };
const c = { id: 'c', address: '10.0.0.3:1', weight: 2 };

describe('StaticMembership', () => {
  it('lists the configured members sorted by id, before and after start', async () => {
    const m = new StaticMembership([b, a]);
    expect(m.members()).toEqual([a, b]);
    await m.start();
    expect(m.members()).toEqual([a, b]);
    await m.stop();
    await m.stop();
  });

  it('publishes joined, left and updated members on update()', () => {
    const m = new StaticMembership([a, b]);
    const changes: MembershipChange[] = [];
    m.subscribe((ch) => changes.push(ch));
    m.update([{ ...a, address: '10.0.0.9:1' }, c]);
    expect(changes).toEqual([
      {
        joined: [c],
        left: [b],
        updated: [{ id: 'a', address: '10.0.0.9:1' }],
        members: [{ id: 'a', address: '10.0.0.9:1' }, c],
      },
    ]);
  });

  it('publishes nothing when update() changes nothing, and stops publishing after unsubscribe', () => {
    const m = new StaticMembership([a]);
    const changes: MembershipChange[] = [];
    const unsubscribe = m.subscribe((ch) => changes.push(ch));
    m.update([{ id: 'a', address: '10.0.0.1:1', weight: 1 }]);
    expect(changes).toEqual([]);
    unsubscribe();
    m.update([b]);
    expect(changes).toEqual([]);
    expect(m.members()).toEqual([b]);
  });

  it('reports a throwing subscriber and still calls the others', () => {
    const errors: unknown[] = [];
    const m = new StaticMembership([a], (e) => errors.push(e));
    const seen: string[] = [];
    m.subscribe(() => {
      throw new Error('boom');
    });
    m.subscribe((ch) => seen.push(...ch.joined.map((x) => x.id)));
    m.update([a, b]);
    expect(seen).toEqual(['b']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('rejects invalid members with InvalidRingArgumentError', () => {
    expect(() => new StaticMembership([a, a])).toThrow(InvalidRingArgumentError);
    expect(() => new StaticMembership([{ id: '', address: 'x' }])).toThrow(InvalidRingArgumentError);
    expect(() => new StaticMembership([{ id: 'x/y', address: 'x' }])).toThrow(InvalidRingArgumentError);
    expect(() => new StaticMembership([{ id: 'x', address: 'x', weight: -1 }])).toThrow(InvalidRingArgumentError);
  });
});
