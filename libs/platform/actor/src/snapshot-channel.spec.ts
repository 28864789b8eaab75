import { describe, expect, it } from 'vitest';
import { SnapshotChannel } from './snapshot-channel';

describe('SnapshotChannel', () => {
  it('is undefined before the first publish and holds the last value after', () => {
    const channel = new SnapshotChannel<number>(() => {});
    expect(channel.value).toBeUndefined();
    channel.publish(1);
    channel.publish(2);
    expect(channel.value).toBe(2);
  });

  it('calls listeners in subscription order and honours unsubscribe', () => {
    const channel = new SnapshotChannel<string>(() => {});
    const seen: string[] = [];
    const offA = channel.subscribe((s) => seen.push(`a:${s}`));
    channel.subscribe((s) => seen.push(`b:${s}`));
    channel.publish('x');
    offA();
    offA();
    channel.publish('y');
    expect(seen).toEqual(['a:x', 'b:x', 'b:y']);
  });

  it('reports a throwing listener and still calls the others', () => {
    const errors: unknown[] = [];
    const channel = new SnapshotChannel<number>((e) => errors.push(e));
    const seen: number[] = [];
    const boom = new Error('listener');
    channel.subscribe(() => {
      throw boom;
    });
    channel.subscribe((s) => seen.push(s));
    channel.publish(1);
    expect(errors).toEqual([boom]);
    expect(seen).toEqual([1]);
  });

  it('lets a listener unsubscribe itself while being notified', () => {
    const channel = new SnapshotChannel<number>(() => {});
    const seen: number[] = [];
    const off = channel.subscribe((s) => {
      seen.push(s);
      off();
    });
    channel.publish(1);
    channel.publish(2);
    expect(seen).toEqual([1]);
  });

  it('drops listeners on close but keeps the value', () => {
    const channel = new SnapshotChannel<number>(() => {});
    const seen: number[] = [];
    channel.subscribe((s) => seen.push(s));
    channel.publish(1);
    channel.close();
    channel.publish(2);
    expect(seen).toEqual([1]);
    expect(channel.value).toBe(2);
  });
});
