import { describe, expect, it } from 'vitest';
import { createDispatchFrame } from '../relay/local-sessions';
import { ReplayBuffer } from './replay-buffer';

const frame = createDispatchFrame('X', '{}');

describe('ReplayBuffer', () => {
  it('returns what came after a sequence while the buffer still covers it', () => {
    const buffer = new ReplayBuffer(3);
    for (let s = 1; s <= 5; s += 1) buffer.push(s, frame);
    expect(buffer.after(2, 5)?.map((i) => i.sequence)).toEqual([3, 4, 5]);
    expect(buffer.after(4, 5)?.map((i) => i.sequence)).toEqual([5]);
    expect(buffer.after(5, 5)).toEqual([]);
  });

  it('refuses a sequence that fell out of the buffer or lies ahead', () => {
    const buffer = new ReplayBuffer(3);
    for (let s = 1; s <= 5; s += 1) buffer.push(s, frame);
    expect(buffer.after(1, 5)).toBeUndefined();
    expect(buffer.after(6, 5)).toBeUndefined();
    expect(buffer.after(-1, 5)).toBeUndefined();
  });

  it('grows on demand up to its capacity, then keeps the newest', () => {
    const buffer = new ReplayBuffer(1000);
    expect(buffer.size).toBe(0);
    for (let s = 1; s <= 3; s += 1) buffer.push(s, frame);
    expect(buffer.size).toBe(3);
    for (let s = 4; s <= 2500; s += 1) buffer.push(s, frame);
    expect(buffer.size).toBe(1000);
    expect(buffer.after(1500, 2500)?.map((i) => i.sequence)).toEqual(Array.from({ length: 1000 }, (_, i) => 1501 + i));
    expect(buffer.after(1499, 2500)).toBeUndefined();
  });
});
