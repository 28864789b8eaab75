import { describe, expect, it } from 'vitest';
import { EmptyRingError, HashRing, type RingChange, RingView, StaticMembership, movedKeys } from './index';

const member = (id: string, weight?: number) =>
  weight === undefined ? { id, address: `${id}.local:7000` } : { id, address: `${id}.local:7000`, weight };
const KEYS = Array.from({ length: 20_000 }, (_, i) => `guild:${i}`);

describe('RingView', () => {
  it('starts from the membership and answers owner/owners/addressOf', () => {
    const view = new RingView(new StaticMembership([member('n1'), member('n2'), member('n3')]));
    const plain = new HashRing(['n1', 'n2', 'n3']);
    expect(view.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(view.size).toBe(3);
    for (const key of KEYS.slice(0, 1000)) expect(view.owner(key)).toBe(plain.owner(key));
    expect(view.owners('guild:1', 2)).toEqual(plain.owners('guild:1', 2));
    expect(view.addressOf('n2')).toBe('n2.local:7000');
    expect(view.has('n3')).toBe(true);
  });

  it('publishes one ring change per membership change, with the rings before and after', () => {
    const membership = new StaticMembership([member('n1'), member('n2'), member('n3')]);
    const view = new RingView(membership);
    const changes: RingChange[] = [];
    view.subscribe((c) => changes.push(c));
    const ringBefore = view.ring;

    membership.update([member('n1'), member('n2'), member('n3'), member('n4')]);
    expect(changes).toHaveLength(1);
    const change = changes[0]!;
    expect(change).toMatchObject({ joined: ['n4'], left: [], reweighted: [] });
    expect(change.before).toBe(ringBefore);
    expect(change.after).toBe(view.ring);
    expect(change.before.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(change.after.nodes).toEqual(['n1', 'n2', 'n3', 'n4']);

    // old owner -> new owner: every moved key moved to the node that joined.
    const moves = movedKeys(change, KEYS);
    expect(moves.length).toBeGreaterThan(KEYS.length * 0.15);
    expect(moves.length).toBeLessThan(KEYS.length * 0.35);
    expect(moves.every((m) => m.to === 'n4' && m.from !== 'n4' && m.from === change.before.owner(m.key))).toBe(true);
  });

  it('reports leaves and reweights, moving only the keys that must move', () => {
    const membership = new StaticMembership([member('n1'), member('n2'), member('n3')]);
    const view = new RingView(membership);
    const changes: RingChange[] = [];
    view.subscribe((c) => changes.push(c));

    membership.update([member('n1'), member('n3')]);
    const left = changes.at(-1)!;
    expect(left).toMatchObject({ joined: [], left: ['n2'], reweighted: [] });
    expect(movedKeys(left, KEYS).every((m) => m.from === 'n2' && m.to !== 'n2')).toBe(true);
    expect(view.addressOf('n2')).toBeUndefined();

    membership.update([member('n1', 3), member('n3')]);
    const reweighted = changes.at(-1)!;
    expect(reweighted).toMatchObject({ joined: [], left: [], reweighted: ['n1'] });
    expect(view.weightOf('n1')).toBe(3);
    expect(movedKeys(reweighted, KEYS).every((m) => m.from === 'n3' && m.to === 'n1')).toBe(true);
  });

  it('updates addresses without a ring change', () => {
    const membership = new StaticMembership([member('n1')]);
    const view = new RingView(membership);
    const changes: RingChange[] = [];
    view.subscribe((c) => changes.push(c));
    membership.update([{ id: 'n1', address: 'moved:1' }]);
    expect(changes).toEqual([]);
    expect(view.addressOf('n1')).toBe('moved:1');
  });

  it('goes empty when the last member leaves: owner throws, moves go to undefined', () => {
    const membership = new StaticMembership([member('n1')]);
    const view = new RingView(membership);
    const changes: RingChange[] = [];
    view.subscribe((c) => changes.push(c));
    membership.update([]);
    expect(() => view.owner('k')).toThrow(EmptyRingError);
    expect(movedKeys(changes[0]!, ['k'])).toEqual([{ key: 'k', from: 'n1', to: undefined }]);
  });

  it('stops following the membership after close()', () => {
    const membership = new StaticMembership([member('n1')]);
    const view = new RingView(membership);
    let calls = 0;
    view.subscribe(() => (calls += 1));
    view.close();
    membership.update([member('n1'), member('n2')]);
    expect(calls).toBe(0);
    expect(view.nodes).toEqual(['n1']);
  });

  it('reports a throwing listener to onError and still notifies the others', () => {
    const membership = new StaticMembership([member('n1')]);
    const errors: unknown[] = [];
    const view = new RingView(membership, { onError: (e) => errors.push(e), virtualNodes: 16 });
    let notified = 0;
    view.subscribe(() => {
      throw new Error('listener failed');
    });
    view.subscribe(() => (notified += 1));
    membership.update([member('n1'), member('n2')]);
    expect(notified).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
