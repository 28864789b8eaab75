import { describe, expect, it } from 'vitest';
import { createDispatchFrame } from '../relay/local-sessions';
import { SessionOutput } from './session-output';
import type { SessionTransport } from './session-transport';

function transport(id = 1): SessionTransport & { frames: { s: number; t: string }[] } {
  const frames: { s: number; t: string }[] = [];
  return {
    id,
    frames,
    send: (frame) => {
      const parsed = JSON.parse(frame.toString()) as { s: number; t: string };
      frames.push({ s: parsed.s, t: parsed.t });
    },
    close: () => undefined,
  };
}

const frame = (t: string) => createDispatchFrame(t, '{}');

describe('SessionOutput', () => {
  it('writes relay deliveries at once with consecutive s and keeps them for RESUME', () => {
    const socket = transport();
    const output = new SessionOutput(10, socket);
    output.deliver(frame('A'));
    output.deliver(frame('B'));
    expect(socket.frames).toEqual([{ s: 1, t: 'A' }, { s: 2, t: 'B' }]);
    expect(output.after(0)?.map((i) => [i.sequence, i.frame.type])).toEqual([[1, 'A'], [2, 'B']]);
  });

  it('holds relay deliveries behind the actor frames until released (READY, GUILD_CREATE, then the stream)', () => {
    const socket = transport();
    const output = new SessionOutput(10, socket);
    output.hold();
    output.deliver(frame('MESSAGE_CREATE'));
    output.write(frame('READY'));
    output.hold(); // nested: attach of the guilds
    output.deliver(frame('MESSAGE_UPDATE'));
    output.write(frame('GUILD_CREATE'));
    output.release();
    expect(socket.frames.map((f) => f.t)).toEqual(['READY', 'GUILD_CREATE']);
    expect(output.heldCount).toBe(2);
    output.release();
    expect(socket.frames).toEqual([
      { s: 1, t: 'READY' },
      { s: 2, t: 'GUILD_CREATE' },
      { s: 3, t: 'MESSAGE_CREATE' },
      { s: 4, t: 'MESSAGE_UPDATE' },
    ]);
    output.release(); // an extra release is ignored
    output.deliver(frame('C'));
    expect(socket.frames.at(-1)).toEqual({ s: 5, t: 'C' });
  });

  it('numbers and buffers while disconnected, and drops everything after end', () => {
    const output = new SessionOutput(2, undefined);
    output.deliver(frame('A'));
    output.deliver(frame('B'));
    output.deliver(frame('C'));
    expect(output.sequence).toBe(3);
    expect(output.after(1)?.map((i) => i.sequence)).toEqual([2, 3]);
    expect(output.after(0)).toBeUndefined();
    output.end();
    output.deliver(frame('D'));
    output.write(frame('E'));
    expect(output.sequence).toBe(3);
    expect(output.isEnded).toBe(true);
  });
});
