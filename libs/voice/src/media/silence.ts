/**
 * Silence suppression. When a Discord client stops talking it sends five
 * Opus silence frames (F8 FF FE) so decoders can fade out; some clients keep
 * sending them. Forwarding more than those five only costs bandwidth
 * (20 ms frames: 50 packets per second per speaker per listener).
 */

/** How many consecutive silence frames are forwarded before suppression starts. */
export const TRAILING_SILENCE_FRAMES = 5;

/** True when `opus` is the 3-byte Opus silence frame F8 FF FE. */
export function isSilenceFrame(opus: Uint8Array): boolean {
  return opus.length === 3 && opus[0] === 0xf8 && opus[1] === 0xff && opus[2] === 0xfe;
}

/** Per-speaker run of silence frames. */
export class SilenceGate {
  private run = 0;

  constructor(private readonly enabled: boolean) {}

  /** True when this frame should be forwarded; false = suppressed. */
  admit(opus: Uint8Array): boolean {
    if (!isSilenceFrame(opus)) {
      this.run = 0;
      return true;
    }
    this.run++;
    return !this.enabled || this.run <= TRAILING_SILENCE_FRAMES;
  }
}
