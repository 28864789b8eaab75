import { describe, expect, it } from 'vitest';
import { DuplicateNodeError, EmptyRingError, HashRing, InvalidRingArgumentError } from './index';

const KEYS = Array.from({ length: 100_000 }, (_, i) => (175_928_847_299_117_063n + BigInt(i) * 4_194_304n).toString());
const FIVE = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];

function countOwners(ring: HashRing, keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const o = ring.owner(key);
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  return counts;
}

describe('HashRing placement', () => {
  it('throws EmptyRingError on an empty ring and gives no owners', () => {
    const ring = new HashRing();
    expect(() => ring.owner('k')).toThrow(EmptyRingError);
    expect(ring.owners('k', 3)).toEqual([]);
    expect(ring.size).toBe(0);
  });

  it('gives every key to the only node', () => {
    const ring = new HashRing(['solo']);
    expect(new Set(KEYS.slice(0, 1000).map((k) => ring.owner(k)))).toEqual(new Set(['solo']));
  });

  it('spreads 100k keys over 5 nodes within 15% of the mean (128 virtual nodes)', () => {
    const counts = countOwners(new HashRing(FIVE), KEYS);
    expect([...counts.keys()].sort()).toEqual(FIVE);
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(20_000 * 0.85);
      expect(c).toBeLessThan(20_000 * 1.15);
    }
  });

  it('is deterministic across instances, insertion orders and add() vs constructor', () => {
    const a = new HashRing(FIVE);
    const b = new HashRing([...FIVE].reverse());
    const c = new HashRing();
    for (const n of ['node-3', 'node-5', 'node-1', 'node-4', 'node-2']) c.add(n);
    let differ = 0;
    for (const key of KEYS) {
      const o = a.owner(key);
      if (b.owner(key) !== o || c.owner(key) !== o) differ += 1;
    }
    expect(differ).toBe(0);
    expect(a.nodes).toEqual(FIVE);
    expect(c.nodes).toEqual(FIVE);
  });

  it('keeps placing keys exactly as before (golden values: every process and version must agree)', () => {
    const ring = new HashRing(FIVE);
    expect(['175928847299117063', '90339695967350784', 'guild:1', 'channel:42'].map((k) => ring.owner(k))).toEqual(
      GOLDEN,
    );
  });

  it('orders equal points by node id, whatever the insertion order', () => {
    const constant = () => 42;
    expect(new HashRing(['b', 'c', 'a'], { hash: constant }).owner('x')).toBe('a');
    expect(new HashRing(['c', 'a', 'b'], { hash: constant }).owners('x', 3)).toEqual(['a', 'b', 'c']);
  });
});

describe('HashRing changes move only the keys they must', () => {
  it('adding a 6th node to 5 moves about 1/6 of 100k keys, all of them to the new node', () => {
    const before = new HashRing(FIVE);
    const after = before.clone();
    after.add('node-6');
    let moved = 0;
    let movedElsewhere = 0;
    for (const key of KEYS) {
      const from = before.owner(key);
      const to = after.owner(key);
      if (from !== to) {
        moved += 1;
        if (to !== 'node-6') movedElsewhere += 1;
      }
    }
    expect(movedElsewhere).toBe(0);
    // Ideal 1/(N+1) = 16.7%; allow the same 15% relative spread as the balance test.
    expect(moved / KEYS.length).toBeGreaterThan((1 / 6) * 0.85);
    expect(moved / KEYS.length).toBeLessThan((1 / 6) * 1.15);
    expect(before.nodes).toEqual(FIVE);
  });

  it("removing a node moves only that node's keys, spread over all the others", () => {
    const before = new HashRing(FIVE);
    const after = before.clone();
    expect(after.remove('node-3')).toBe(true);
    let movedOthers = 0;
    const receivers = new Set<string>();
    for (const key of KEYS) {
      const from = before.owner(key);
      const to = after.owner(key);
      if (from === 'node-3') receivers.add(to);
      else if (from !== to) movedOthers += 1;
    }
    expect(movedOthers).toBe(0);
    expect([...receivers].sort()).toEqual(['node-1', 'node-2', 'node-4', 'node-5']);
    expect(after.has('node-3')).toBe(false);
  });

  it('sends a removed owner\'s key to its second owner (so replicas are where keys go next)', () => {
    const ring = new HashRing(FIVE);
    const without = new Map(
      FIVE.map((n) => {
        const r = ring.clone();
        r.remove(n);
        return [n, r] as const;
      }),
    );
    let mismatches = 0;
    for (const key of KEYS.slice(0, 20_000)) {
      const [first, second] = ring.owners(key, 2);
      if (without.get(first!)!.owner(key) !== second) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });
});

describe('HashRing owners(n)', () => {
  it('returns n distinct nodes, owner first', () => {
    const ring = new HashRing(FIVE);
    let bad = 0;
    for (const key of KEYS.slice(0, 20_000)) {
      const three = ring.owners(key, 3);
      if (three.length !== 3 || new Set(three).size !== 3 || three[0] !== ring.owner(key)) bad += 1;
    }
    expect(bad).toBe(0);
  });

  it('caps n at the node count and accepts 0', () => {
    const ring = new HashRing(FIVE);
    expect([...ring.owners('k', 10)].sort()).toEqual(FIVE);
    expect(ring.owners('k', 0)).toEqual([]);
  });

  it('rejects a negative or fractional n', () => {
    const ring = new HashRing(FIVE);
    expect(() => ring.owners('k', -1)).toThrow(InvalidRingArgumentError);
    expect(() => ring.owners('k', 1.5)).toThrow(InvalidRingArgumentError);
  });
});

describe('HashRing weights and options', () => {
  it('gives a node of weight 2 about twice the keys of a node of weight 1', () => {
    const ring = new HashRing([{ id: 'big', weight: 2 }, 'small-1', 'small-2']);
    const counts = countOwners(ring, KEYS);
    const ratio = (counts.get('big') ?? 0) / (((counts.get('small-1') ?? 0) + (counts.get('small-2') ?? 0)) / 2);
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
    expect(ring.weightOf('big')).toBe(2);
    expect(ring.weightOf('small-1')).toBe(1);
    expect(ring.weightOf('nope')).toBeUndefined();
  });

  it('honours virtualNodes', () => {
    const counts = countOwners(new HashRing(FIVE, { virtualNodes: 512 }), KEYS);
    for (const c of counts.values()) expect(Math.abs(c - 20_000)).toBeLessThan(20_000 * 0.1);
    expect(new HashRing([], { virtualNodes: 7 }).virtualNodes).toBe(7);
  });

  it('rejects duplicates and bad arguments with named errors', () => {
    const ring = new HashRing(['a']);
    expect(() => ring.add('a')).toThrow(DuplicateNodeError);
    expect(() => new HashRing(['a', 'a'])).toThrow(DuplicateNodeError);
    expect(() => ring.add('')).toThrow(InvalidRingArgumentError);
    expect(() => ring.add('b', 0)).toThrow(InvalidRingArgumentError);
    expect(() => ring.add('b', Number.POSITIVE_INFINITY)).toThrow(InvalidRingArgumentError);
    expect(() => new HashRing([], { virtualNodes: 0 })).toThrow(InvalidRingArgumentError);
    expect(() => new HashRing([], { virtualNodes: 2.5 })).toThrow(InvalidRingArgumentError);
    expect(ring.remove('zzz')).toBe(false);
    expect(ring.nodes).toEqual(['a']);
  });

  it('clones independently', () => {
    const a = new HashRing(['x', 'y']);
    const b = a.clone();
    b.add('z');
    a.remove('x');
    expect(a.nodes).toEqual(['y']);
    expect(b.nodes).toEqual(['x', 'y', 'z']);
    expect(Object.isFrozen(a.nodes)).toBe(true);
  });
});

/** Recorded from this implementation (murmur3, labels "<id>#<i>", 128 virtual nodes); a change here re-homes every key. */
const GOLDEN = ['node-5', 'node-3', 'node-1', 'node-3'];
