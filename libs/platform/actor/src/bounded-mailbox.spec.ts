import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './actor-system';
import { defineBehaviour } from './behaviour';
import { MailboxFullError } from './errors';
import { counterBehaviour } from './fixtures/counter.actor';
import type { Reply } from './types';

const system = new ActorSystem();
afterEach(() => system.stopAll());

type GateMsg =
  | { type: 'block'; entered: () => void; until: Promise<void> }
  |  { type: 'work'; n: number }
  | { type: 'get'; reply: Reply<number[]> };

/** An actor whose `block` message holds the mailbox until a promise resolves. */
function gated(id: string, capacity: number) {
  return system.spawn(
    id,
    defineBehaviour<GateMsg, number[]>({
      activate: () => [],
      receive: async (state, msg) => {
        if (msg.type === 'block') {
          msg.entered();
          await msg.until;
        }
        if (msg.type === 'work') return [...state, msg.n];
        if (msg.type === 'get') msg.reply(state);
        return state;
      },
      snapshot: (s) => s,
    }),
    { mailboxCapacity: capacity },
  );
}

describe('bounded mailbox', () => {
  it('throws a named MailboxFullError from send once capacity messages are queued', () => {
    const ref = system.spawn('b', counterBehaviour(new Map(), 'b'), { mailboxCapacity: 3 });
    ref.send({ type: 'inc' });
    ref.send({ type: 'inc' });
    ref.send({ type: 'inc' });
    let error: unknown;
    try {
      ref.send({ type: 'inc', by: 100 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MailboxFullError);
    expect(error).toMatchObject({ name: 'MailboxFullError', actorId: 'b', capacity: 3, messageType: 'inc' });
    expect(ref.stats().mailboxDepth).toBe(3);
  });

  it('rejects an ask with MailboxFullError instead of queueing it', async () => {
    const ref = system.spawn('b2', counterBehaviour(new Map(), 'b2'), { mailboxCapacity: 1 });
    ref.send({ type: 'inc' });
    await expect(ref.ask<number>((reply) => ({ type: 'get', reply }))).rejects.toBeInstanceOf(MailboxFullError);
  });

  it('does not count the message being handled, and accepts again once drained', async () => {
    let open!: () => void;
    const until = new Promise<void>((resolve) => (open = resolve));
    const ref = gated('g', 2);
    await new Promise<void>((entered) => ref.send({ type: 'block', entered, until }));
    // The block message is now in the handler, so two more fit.
    ref.send({ type: 'work', n: 1 });
    ref.send({ type: 'work', n: 2 });
    expect(() => ref.send({ type: 'work', n: 3 })).toThrow(MailboxFullError);
    open();
    await new Promise<void>((resolve) => {
      const unsubscribe = ref.subscribe((s) => {
        if (s.length === 2) {
          unsubscribe();
          resolve();
        }
      });
    });
    ref.send({ type: 'work', n: 4 });
    await expect(ref.ask<number[]>((reply) => ({ type: 'get', reply }))).resolves.toEqual([1, 2, 4]);
  });

  it('keeps the handled order and loses nothing that was accepted under pressure', async () => {
    const ref = gated('p', 8);
    const accepted: number[] = [];
    let refused = 0;
    for (let n = 0; n < 1_000; n++) {
      try {
        ref.send({ type: 'work', n });
        accepted.push(n);
      } catch (error) {
        expect(error).toBeInstanceOf(MailboxFullError);
        refused += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const handled = await ref.ask<number[]>((reply) => ({ type: 'get', reply }));
    expect(handled).toEqual(accepted);
    expect(accepted.length + refused).toBe(1_000);
    expect(refused).toBeGreaterThan(0);
  });
});
