/**
 * The voice benchmark's measuring: opening a group of participants in the
 * client process against a server, one measured window (server counters,
 * this process's CPU, kernel receive-buffer drops), and pooling the rounds
 * of one side (floor or SFU) into one set of figures.
 */
import type { MediaCounters } from '../../libs/voice/src/media';
import type { ChildClients } from './child-clients';
import { percentile } from './stats';
import type { FromClients, GroupReport, OpenWith, ParticipantSpec, TalkPattern } from './voice-protocol';
import type { VoiceMode } from './voice-rtp';
import { udpReceiveDrops } from './voice-udp-drops';

type Ran = Extract<FromClients, { type: 'ran' }>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server under test: where the clients send, and its counters. */
export interface Target {
  address: { address: string; port: number };
  counters(): Pick<MediaCounters, 'packetsForwarded' | 'bytesSent'> & Partial<MediaCounters>;
}

/** Timing of one measured run. */
export interface Timing {
  warmupMs: number;
  windowMs: number;
  /** The clients keep sending this long past the window, so a late parent timer still sees a full rate. */
  tailMs: number;
  drainMs: number;
}

/** One measured window of one side. */
export interface Measurement {
  forwarded: number;
  wallMs: number;
  cpuUs: number;
  /** Datagrams the media node dropped (malformed, unauthenticated, replayed, unknown ssrc): 0 in a sound run. */
  dropped: number;
  /** Kernel receive-buffer drops on the server's socket (null off Linux). */
  serverReceiveDrops: number | null;
  report: GroupReport;
  clientCpuUs: number;
}

/** Opens a group of participants in the client process against `target` and waits until every discovery is answered. */
export async function openGroup(clients: ChildClients, group: string, target: Target, mode: VoiceMode, openWith: OpenWith, participants: ParticipantSpec[]): Promise<void> {
  clients.send({ type: 'open', group, server: target.address, mode, openWith, participants });
  await clients.next('opened', 60_000);
}

/** Closes a group's sockets in the client process. */
export async function closeGroup(clients: ChildClients, group: string): Promise<void> {
  clients.send({ type: 'close-group', group });
  await clients.next('closed-group', 30_000);
}

/** One run of one group: the window starts after the clients' warm-up and ends before they stop. */
export async function measure(clients: ChildClients, group: string, pattern: TalkPattern, target: Target, timing: Timing): Promise<Measurement> {
  clients.send({ type: 'run', groups: [{ group, pattern }], warmupMs: timing.warmupMs, durationMs: timing.windowMs + timing.tailMs, drainMs: timing.drainMs });
  await sleep(timing.warmupMs);
  const before = target.counters();
  const dropsBefore = udpReceiveDrops([target.address.port]);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await sleep(timing.windowMs);
  const after = target.counters();
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - started;
  const dropsAfter = udpReceiveDrops([target.address.port]);
  const ran = await clients.next<Ran>('ran', timing.warmupMs + timing.windowMs + timing.tailMs + timing.drainMs + 60_000);
  const report = ran.groups.find((g) => g.group === group);
  if (report === undefined) throw new Error(`no report for ${group}`);
  const dropped = (c: Partial<MediaCounters>) => (c.droppedMalformed ?? 0) + (c.droppedUnauthenticated ?? 0) + (c.droppedReplayed ?? 0) + (c.droppedUnknownSsrc ?? 0);
  return {
    forwarded: after.packetsForwarded - before.packetsForwarded,
    wallMs,
    cpuUs: cpu.user + cpu.system,
    dropped: dropped(after) - dropped(before),
    serverReceiveDrops: dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore,
    report,
    clientCpuUs: ran.clientCpuUs,
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The rounds of one side as one measurement: counts and times added, latencies pooled from the rounds' samples. */
export function pool(rounds: readonly Measurement[]): Measurement {
  const reports = rounds.map((r) => r.report);
  const sample = reports.flatMap((r) => r.latencySample);
  const drops = rounds.map((r) => r.serverReceiveDrops);
  const clientDrops = reports.map((r) => r.receiveDrops);
  return {
    forwarded: sum(rounds.map((r) => r.forwarded)),
    wallMs: sum(rounds.map((r) => r.wallMs)),
    cpuUs: sum(rounds.map((r) => r.cpuUs)),
    dropped: sum(rounds.map((r) => r.dropped)),
    serverReceiveDrops: drops.includes(null) ? null : sum(drops as number[]),
    clientCpuUs: sum(rounds.map((r) => r.clientCpuUs)),
    report: {
      group: reports.map((r) => r.group).join('+'),
      sentPackets: sum(reports.map((r) => r.sentPackets)),
      sentBytes: sum(reports.map((r) => r.sentBytes)),
      sentVoice: sum(reports.map((r) => r.sentVoice)),
      sentSilence: sum(reports.map((r) => r.sentSilence)),
      receivedPackets: sum(reports.map((r) => r.receivedPackets)),
      receivedBytes: sum(reports.map((r) => r.receivedBytes)),
      openFailures: sum(reports.map((r) => r.openFailures)),
      latencySamples: sum(reports.map((r) => r.latencySamples)),
      latencyP50Ms: percentile(sample, 50),
      latencyP99Ms: percentile(sample, 99),
      latencyMaxMs: Math.max(0, ...reports.map((r) => r.latencyMaxMs)),
      latencySample: [],
      receiveDrops: clientDrops.includes(null) ? null : sum(clientDrops as number[]),
    },
  };
}
