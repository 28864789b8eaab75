import { describe, expect, it } from 'vitest';
import { createDispatchFrame } from '../relay/local-sessions';
import { ReplayBuffer } from './replay-buffer';

const frame = createDispatchFrame('X', '{}');

describe('ReplayBuffer', () => {
  it('returns what came after a sequence while the buffer still covers it', () => {
    const buffer = new ReplayBuffer(3);
    for (let s = 1; s <= 5; s += 1) buffer.push({ sequence: s, frame });
    expect(buffer.after(2, 5)?.map((i) => i.sequence)).toEqual([3, 4, 5]);
    expect(buffer.after(4, 5)?.map((i) => i.sequence)).toEqual([5]);
    expect(buffer.after(5, 5)).toEqual([]);
  });

  it('refuses a sequence that fell out of the buffer or lies ahead', () => {
    const buffer = new ReplayBuffer(3);
    for (let s = 1; s <= 5; s += 1) buffer.push({ sequence: s, frame });
    expect(buffer.after(1, 5)).toBeUndefined();
    expect(buffer.after(6, 5)).toBeUndefined();
    expect(buffer.after(-1, 5)).toBeUndefined();
  });
});
