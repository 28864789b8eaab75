/**
 * The IPC messages between the voice benchmark (parent: the servers) and its
 * client process (bench/lib/voice-clients.ts: the participants' UDP sockets).
 * Keys travel as hex; everything else is plain JSON.
 */
import type { VoiceMode } from './voice-rtp';

/** One participant of a call as the client process runs it. */
export interface ParticipantSpec {
  ssrc: number;
  /** 32-byte session key, hex. */
  keyHex: string;
}

/**
 * How a group's participants talk:
 * - `speakers`: the first `speakers` send a voice frame every 20 ms, the rest send nothing;
 * - `silence-cycle`: everyone sends every 20 ms; participant i speaks during
 *   second i (mod 10) of every 10 s and sends the Opus silence frame otherwise.
 */
export type TalkPattern = { kind: 'speakers'; speakers: number } | { kind: 'silence-cycle' };

/** Milliseconds between two frames of one participant (20 ms Opus frames, 50/s). */
export const FRAME_MS = 20;

/** In the silence cycle: true when participant `index`'s frame scheduled `atMs` after the run's start is speech. */
export function silenceCycleSpeaks(index: number, atMs: number): boolean {
  return Math.floor(atMs / 1000) % 10 === index % 10;
}

/** When participant `index` of `count` sends its first frame, ms after the run's start (senders are spread over one frame). */
export function firstFrameAt(index: number, count: number): number {
  return (index * FRAME_MS) / count;
}

/**
 * Which key a listener opens a received packet with: its own (the SFU
 * re-encrypts for each listener) or the sender's (the floor relay forwards
 * the speaker's datagram as it came).
 */
export type OpenWith = 'own' | 'sender';

/** Parent -> child. */
export type ToClients =
  | { type: 'open'; group: string; server: { address: string; port: number }; mode: VoiceMode; openWith: OpenWith; participants: ParticipantSpec[] }
  | { type: 'run'; groups: { group: string; pattern: TalkPattern }[]; warmupMs: number; durationMs: number; drainMs: number }
  | { type: 'close-group'; group: string }
  | { type: 'close' };

/** What one group's clients did during a run (latencies counted after the warm-up only). */
export interface GroupReport {
  group: string;
  sentPackets: number;
  sentBytes: number;
  sentVoice: number;
  sentSilence: number;
  receivedPackets: number;
  receivedBytes: number;
  /** Received datagrams that did not open with the expected key. */
  openFailures: number;
  /** Voice frames received after the warm-up (each gives one latency sample). */
  latencySamples: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /**
   * Up to 20,000 of the sorted latencies, evenly spaced by rank (all of them
   * when fewer), so the parent can pool the rounds of a K and keep quantiles.
   */
  latencySample: number[];
  /** Datagrams the kernel dropped because a participant's receive buffer was full (null off Linux). */
  receiveDrops: number | null;
}

/** Child -> parent (besides ChildClients' 'started' and 'error'). */
export type FromClients =
  | { type: 'opened'; group: string }
  | { type: 'ran'; groups: GroupReport[]; clientCpuUs: number; wallMs: number }
  | { type: 'closed-group'; group: string };
