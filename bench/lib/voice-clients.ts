/**
 * The participants of the voice benchmark, run as a child process (their
 * CPU is not the server's). Each participant is a real UDP socket on
 * 127.0.0.1: it does IP discovery, sends sealed RTP on a 20 ms schedule and
 * opens every datagram it receives. A voice frame carries its send time
 * (performance.now() of this process), so the time from a speaker's send to
 * a listener's receipt is measured on one clock.
 *
 * Messages from the parent (bench/voice.bench.ts, through ChildClients):
 * - { type: 'open', group, server, mode, openWith, participants } -> { type: 'opened', group }
 *   (every participant's discovery answered)
 * - { type: 'run', groups, warmupMs, durationMs, drainMs } -> { type: 'ran', groups: GroupReport[] }
 *   sends for warmupMs + durationMs, waits drainMs, then reports
 * - { type: 'close-group', group } -> { type: 'closed-group', group }
 * - { type: 'close' } -> exits
 */
import { createSocket, type Socket } from 'node:dgram';
import { firstFrameAt, FRAME_MS, silenceCycleSpeaks, type FromClients, type GroupReport, type OpenWith, type TalkPattern, type ToClients } from './voice-protocol';
import { discoveryRequest, discoveryResponseSsrc, DISCOVERY_BYTES, openRtp, rtpSsrc, sealRtp, sentAtOf, SILENCE_FRAME, voiceFrame, type VoiceMode } from './voice-rtp';
import { udpReceiveDrops } from './voice-udp-drops';

const SAMPLES_PER_FRAME = 960;
/** Latencies sent back per group and run (see GroupReport.latencySample). */
const SAMPLE_MAX = 20_000;

interface Participant {
  index: number;
  ssrc: number;
  key: Uint8Array;
  socket: Socket;
  counter: number;
  sequence: number;
  timestamp: number;
  onDiscovery: (() => void) | undefined;
}

interface RunStats {
  measureFrom: number;
  sentPackets: number;
  sentBytes: number;
  sentVoice: number;
  sentSilence: number;
  receivedPackets: number;
  receivedBytes: number;
  openFailures: number;
  latencies: number[];
}

interface Group {
  id: string;
  server: { address: string; port: number };
  mode: VoiceMode;
  openWith: OpenWith;
  participants: Participant[];
  keyBySsrc: Map<number, Uint8Array>;
  stats: RunStats | undefined;
}

const groups = new Map<string, Group>();
const send = (message: FromClients | { type: 'started' } | { type: 'error'; message: string }) => process.send?.(message);

function onDatagram(group: Group, participant: Participant, msg: Buffer): void {
  const receivedAt = performance.now();
  if (msg.length === DISCOVERY_BYTES && discoveryResponseSsrc(msg) === participant.ssrc) {
    participant.onDiscovery?.();
    return;
  }
  const stats = group.stats;
  if (stats === undefined) return;
  stats.receivedPackets++;
  stats.receivedBytes += msg.length;
  const ssrc = group.openWith === 'sender' ? rtpSsrc(msg) : participant.ssrc;
  const key = ssrc === null ? undefined : group.openWith === 'own' ? participant.key : group.keyBySsrc.get(ssrc);
  const opus = key === undefined ? null : openRtp(group.mode, key, msg);
  if (opus === null) {
    stats.openFailures++;
    return;
  }
  const sentAt = sentAtOf(opus);
  if (sentAt !== null && sentAt >= stats.measureFrom) stats.latencies.push(receivedAt - sentAt);
}

async function discover(group: Group, participant: Participant): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const answered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 500);
      participant.onDiscovery = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    participant.socket.send(discoveryRequest(participant.ssrc), group.server.port, group.server.address);
    if (await answered) {
      participant.onDiscovery = undefined;
      return;
    }
  }
  throw new Error(`no IP discovery answer for ssrc ${participant.ssrc} from ${group.server.address}:${group.server.port}`);
}

async function open(command: Extract<ToClients, { type: 'open' }>): Promise<void> {
  const group: Group = { id: command.group, server: command.server, mode: command.mode, openWith: command.openWith, participants: [], keyBySsrc: new Map(), stats: undefined };
  groups.set(group.id, group);
  for (const [index, spec] of command.participants.entries()) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const key = Uint8Array.from(Buffer.from(spec.keyHex, 'hex'));
    const participant: Participant = { index, ssrc: spec.ssrc, key, socket, counter: 0, sequence: (index * 7919) & 0xffff, timestamp: index * 100_000, onDiscovery: undefined };
    socket.on('message', (msg) => onDatagram(group, participant, msg));
    group.participants.push(participant);
    group.keyBySsrc.set(spec.ssrc, key);
  }
  await Promise.all(group.participants.map((p) => discover(group, p)));
  send({ type: 'opened', group: group.id });
}

interface Sender {
  group: Group;
  participant: Participant;
  /** When its first frame is due, ms after the run's start. */
  offset: number;
  /** Frames sent so far: the next one is due at start + offset + frames x 20 ms. */
  frames: number;
  /** True when the frame due at `at` (ms since the run started) is speech. */
  speaks: (at: number) => boolean;
}

function senders(group: Group, pattern: TalkPattern): Sender[] {
  const n = group.participants.length;
  if (pattern.kind === 'speakers') {
    return group.participants
      .slice(0, pattern.speakers)
      .map((participant, i) => ({ group, participant, offset: firstFrameAt(i, pattern.speakers), frames: 0, speaks: () => true }));
  }
  return group.participants.map((participant, i) => ({
    group,
    participant,
    offset: firstFrameAt(i, n),
    frames: 0,
    speaks: (at: number) => silenceCycleSpeaks(i, at),
  }));
}

function sendFrame(sender: Sender, atMs: number): void {
  const { group, participant } = sender;
  const stats = group.stats;
  if (stats === undefined) return;
  const speech = sender.speaks(atMs);
  participant.counter++;
  participant.sequence = (participant.sequence + 1) & 0xffff;
  participant.timestamp = (participant.timestamp + SAMPLES_PER_FRAME) >>> 0;
  const opus = speech ? voiceFrame(performance.now()) : SILENCE_FRAME;
  const packet = sealRtp(group.mode, participant.key, { ssrc: participant.ssrc, sequence: participant.sequence, timestamp: participant.timestamp, counter: participant.counter }, opus);
  participant.socket.send(packet, group.server.port, group.server.address);
  stats.sentPackets++;
  stats.sentBytes += packet.length;
  if (speech) stats.sentVoice++;
  else stats.sentSilence++;
}

function report(group: Group): GroupReport {
  const stats = group.stats;
  if (stats === undefined) throw new Error(`group ${group.id} did not run`);
  const sorted = Float64Array.from(stats.latencies).sort();
  // Nearest rank on the sorted samples (what ./stats percentile does, without sorting again).
  const at = (p: number) => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0));
  return {
    group: group.id,
    sentPackets: stats.sentPackets,
    sentBytes: stats.sentBytes,
    sentVoice: stats.sentVoice,
    sentSilence: stats.sentSilence,
    receivedPackets: stats.receivedPackets,
    receivedBytes: stats.receivedBytes,
    openFailures: stats.openFailures,
    latencySamples: sorted.length,
    latencyP50Ms: at(50),
    latencyP99Ms: at(99),
    latencyMaxMs: sorted[sorted.length - 1] ?? 0,
    latencySample: Array.from({ length: Math.min(sorted.length, SAMPLE_MAX) }, (_, i) => sorted[Math.floor((i * sorted.length) / Math.min(sorted.length, SAMPLE_MAX))] ?? 0),
    receiveDrops: udpReceiveDrops(group.participants.map((p) => p.socket.address().port)),
  };
}

function run(command: Extract<ToClients, { type: 'run' }>): void {
  const start = performance.now();
  const length = command.warmupMs + command.durationMs;
  const cpuBefore = process.cpuUsage();
  const running: Group[] = [];
  const all: Sender[] = [];
  for (const { group: id, pattern } of command.groups) {
    const group = groups.get(id);
    if (group === undefined) throw new Error(`unknown group ${id}`);
    group.stats = { measureFrom: start + command.warmupMs, sentPackets: 0, sentBytes: 0, sentVoice: 0, sentSilence: 0, receivedPackets: 0, receivedBytes: 0, openFailures: 0, latencies: [] };
    running.push(group);
    all.push(...senders(group, pattern));
  }
  // Frames are sent when due; a late tick sends every frame that fell due meanwhile, so each sender keeps 50 frames/s on average.
  const tick = (): void => {
    const elapsed = performance.now() - start;
    for (const sender of all) {
      for (let at = sender.offset + sender.frames * FRAME_MS; at <= elapsed && at < length; at = sender.offset + sender.frames * FRAME_MS) {
        sendFrame(sender, at);
        sender.frames++;
      }
    }
    if (elapsed < length) {
      setTimeout(tick, 1);
      return;
    }
    setTimeout(() => {
      const cpu = process.cpuUsage(cpuBefore);
      send({ type: 'ran', groups: running.map(report), clientCpuUs: cpu.user + cpu.system, wallMs: performance.now() - start });
      for (const group of running) group.stats = undefined;
    }, command.drainMs);
  };
  tick();
}

async function closeGroup(id: string): Promise<void> {
  const group = groups.get(id);
  groups.delete(id);
  for (const p of group?.participants ?? []) await new Promise<void>((resolve) => p.socket.close(() => resolve()));
  send({ type: 'closed-group', group: id });
}

process.on('message', (command: ToClients) => {
  try {
    if (command.type === 'open') open(command).catch((error: Error) => send({ type: 'error', message: error.message }));
    else if (command.type === 'run') run(command);
    else if (command.type === 'close-group') closeGroup(command.group).catch((error: Error) => send({ type: 'error', message: error.message }));
    else {
      for (const group of groups.values()) for (const p of group.participants) p.socket.close();
      setTimeout(() => process.exit(0), 100);
    }
  } catch (error) {
    send({ type: 'error', message: (error as Error).message });
  }
});
send({ type: 'started' });
