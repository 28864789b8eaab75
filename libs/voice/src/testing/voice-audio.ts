/**
 * Audio for voice tests: a sine tone as 20 ms Opus frames (what a speaking
 * client sends), and the two frequency estimates a listener's test uses on
 * the decoded PCM (Goertzel power peak, zero crossings). Tests only: it
 * pulls in opusscript, which no service needs.
 */
import OpusScript from 'opusscript';

/** Sample rate of Discord voice audio (Hz). */
export const SAMPLE_RATE = 48_000;
/** Samples per channel in one 20 ms frame at {@link SAMPLE_RATE}. */
export const FRAME_SAMPLES = 960;

/** `count` 20 ms stereo frames of a sine at `hz` (amplitude 12,000 of 32,767), Opus-encoded with opusscript. */
export function toneFrames(hz: number, count: number): Buffer[] {
  const encoder = new OpusScript(SAMPLE_RATE, 2, OpusScript.Application.AUDIO);
  const frames: Buffer[] = [];
  try {
    for (let f = 0; f < count; f += 1) {
      const pcm = Buffer.alloc(FRAME_SAMPLES * 2 * 2);
      for (let i = 0; i < FRAME_SAMPLES; i += 1) {
        const sample = Math.round(Math.sin((2 * Math.PI * hz * (f * FRAME_SAMPLES + i)) / SAMPLE_RATE) * 12_000);
        pcm.writeInt16LE(sample, i * 4);
        pcm.writeInt16LE(sample, i * 4 + 2);
      }
      frames.push(Buffer.from(encoder.encode(pcm, FRAME_SAMPLES)));
    }
  } finally {
    encoder.delete();
  }
  return frames;
}

/** Decodes Opus packets to mono samples (the left channel); `delete()` frees the decoder. */
export interface MonoDecoder {
  /** Decodes one packet and appends its left-channel samples. */
  push(packet: Buffer): void;
  /** Every sample decoded so far. */
  readonly samples: number[];
  /** Frees the Opus decoder. */
  delete(): void;
}

/** A stereo Opus decoder that keeps the left channel. */
export function monoDecoder(): MonoDecoder {
  const decoder = new OpusScript(SAMPLE_RATE, 2);
  const samples: number[] = [];
  return {
    samples,
    push(packet) {
      const decoded = decoder.decode(packet);
      for (let i = 0; i + 3 < decoded.length; i += 4) samples.push(decoded.readInt16LE(i));
    },
    delete() {
      decoder.delete();
    },
  };
}

/** Goertzel power of `hz` in mono samples at {@link SAMPLE_RATE}. */
export function goertzel(samples: ArrayLike<number>, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const current = samples[i]! + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}

/** Two independent estimates of a pure tone's frequency. */
export interface ToneEstimate {
  /** The frequency in [fromHz, toHz] (step stepHz) with the largest Goertzel power; 0 without samples. */
  peakHz: number;
  /** Sign changes / 2 / duration; 0 without samples. */
  zeroCrossingHz: number;
}

/** Estimates the frequency of a tone in mono samples (search 200..1000 Hz in 10 Hz steps unless told). */
export function estimateTone(samples: ArrayLike<number>, range: { fromHz?: number; toHz?: number; stepHz?: number } = {}): ToneEstimate {
  const { fromHz = 200, toHz = 1000, stepHz = 10 } = range;
  if (samples.length === 0) return { peakHz: 0, zeroCrossingHz: 0 };
  let crossings = 0;
  for (let i = 1; i < samples.length; i += 1) if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) crossings += 1;
  const zeroCrossingHz = crossings / 2 / (samples.length / SAMPLE_RATE);
  let peakHz = 0;
  let peakPower = -1;
  for (let hz = fromHz; hz <= toHz; hz += stepHz) {
    const power = goertzel(samples, hz);
    if (power > peakPower) {
      peakPower = power;
      peakHz = hz;
    }
  }
  return { peakHz, zeroCrossingHz };
}
