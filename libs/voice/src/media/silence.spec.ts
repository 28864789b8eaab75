import { describe, expect, it } from 'vitest';
import { isSilenceFrame, SilenceGate } from './silence';

const SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);
const VOICE = new Uint8Array([0x78, 1, 2, 3]);

describe('silence', () => {
  it('recognises exactly F8 FF FE', () => {
    expect(isSilenceFrame(SILENCE)).toBe(true);
    expect(isSilenceFrame(new Uint8Array([0xf8, 0xff, 0xfe, 0]))).toBe(false);
    expect(isSilenceFrame(new Uint8Array([0xf8, 0xff]))).toBe(false);
    expect(isSilenceFrame(VOICE)).toBe(false);
  });

  it('admits five trailing silence frames, then none until voice', () => {
    const gate = new SilenceGate(true);
    expect(gate.admit(VOICE)).toBe(true);
    const run = Array.from({ length: 8 }, () => gate.admit(SILENCE));
    expect(run).toEqual([true, true, true, true, true, false, false, false]);
    expect(gate.admit(VOICE)).toBe(true);
    expect(gate.admit(SILENCE)).toBe(true);
  });

  it('admits everything when disabled', () => {
    const gate = new SilenceGate(false);
    expect(Array.from({ length: 20 }, () => gate.admit(SILENCE)).every(Boolean)).toBe(true);
  });
});
