import { describe, expect, it } from 'vitest';
import { Mailbox } from './mailbox';

describe('Mailbox', () => {
  it('is FIFO', () => {
    const box = new Mailbox<number>();
    for (let i = 0; i < 5; i++) box.offer(i);
    expect([box.shift(), box.shift(), box.shift()]).toEqual([0, 1, 2]);
    box.offer(5);
    expect([box.shift(), box.shift(), box.shift(), box.shift()]).toEqual([3, 4, 5, undefined]);
    expect(box.size).toBe(0);
  });

  it('refuses items beyond its capacity and accepts again after a shift', () => {
    const box = new Mailbox<string>(2);
    expect(box.offer('a')).toBe(true);
    expect(box.offer('b')).toBe(true);
    expect(box.offer('c')).toBe(false);
    expect(box.size).toBe(2);
    box.shift();
    expect(box.offer('c')).toBe(true);
    expect(box.drain()).toEqual(['b', 'c']);
  });

  it('drains everything in order and is empty after', () => {
    const box = new Mailbox<number>();
    for (let i = 0; i < 10; i++) box.offer(i);
    box.shift();
    expect(box.drain()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(box.size).toBe(0);
    expect(box.shift()).toBeUndefined();
  });

  it('keeps order across compactions with interleaved offers and shifts', () => {
    const box = new Mailbox<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 30; i++) box.offer(next++);
      for (let i = 0; i < 25; i++) out.push(box.shift() as number);
    }
    while (box.size > 0) out.push(box.shift() as number);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('returns the very objects offered, in order, across compactions', () => {
    const box = new Mailbox<object>();
    const items = Array.from({ length: 3000 }, () => ({}));
    items.forEach((item) => box.offer(item));
    for (let i = 0; i < 2000; i++) expect(box.shift()).toBe(items[i]);
    expect(box.size).toBe(1000);
  });
});
