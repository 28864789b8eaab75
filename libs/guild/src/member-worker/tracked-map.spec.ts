import { describe, expect, it } from 'vitest';
import { tracked, TrackedMap } from './tracked-map';

describe('tracked', () => {
  it('turns the map itself into a tracked map that reports every write, keeping its entries', () => {
    const map = new Map([['a', 1], ['b', 2]]);
    const changed: string[] = [];
    const same = tracked(map, (key) => changed.push(key));
    expect(same).toBe(map);
    expect(map).toBeInstanceOf(TrackedMap);
    expect([...map.entries()]).toEqual([['a', 1], ['b', 2]]);
    map.set('c', 3);
    map.delete('a');
    map.delete('missing');
    expect(changed).toEqual(['c', 'a']);
    map.clear();
    expect(changed).toEqual(['c', 'a', 'b', 'c']);
    expect(map.size).toBe(0);
  });

  it('re-points an already tracked map to the new listener', () => {
    const first: string[] = [];
    const second: string[] = [];
    const map = tracked(new Map<string, number>(), (key) => first.push(key));
    tracked(map, (key) => second.push(key));
    map.set('x', 1);
    expect(first).toEqual([]);
    expect(second).toEqual(['x']);
  });
});
