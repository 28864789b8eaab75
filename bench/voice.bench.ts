/**
 * voice: what the SFU (libs/voice's media node) costs per packet, against a
 * plain UDP relay doing the least any forwarder must do, same run, same
 * clients (issue #6).
 *
 * 1. Calls of K participants (K = 2, 10, 50; a quarter of them, at least
 *    one, speaking). The media node runs in this process; the K participants
 *    run in a child process (bench/lib/voice-clients.ts), each a UDP socket on
 *    127.0.0.1 that does IP discovery, sends an 80-byte Opus-shaped frame
 *    every 20 ms sealed with aead_aes256_gcm_rtpsize (and, for one K,
 *    aead_xchacha20_poly1305_rtpsize) and opens everything it receives.
 *    Measured over a window after a warm-up, R rounds per side (floor and
 *    SFU alternate which goes first, so a load that drifts during the run
 *    does not favour one; counts and times are added, latencies pooled):
 *    - packets forwarded per second (the server's counter delta over wall
 *      time) against the expected speakers x (K-1) x 50/s;
 *    - latency per packet: a listener's receipt minus the speaker's send, both
 *      performance.now() in the child (the send time rides in the payload);
 *    - CPU per forwarded packet: this process's cpuUsage (user+sys) delta
 *      over the window divided by the packets forwarded, in µs.
 *    The floor (bench/lib/voice-floor-relay.ts) forwards the same clients'
 *    packets to the same listeners without opening or resealing them (the
 *    listeners open them with the speaker's key); every SFU figure is also
 *    given as SFU / floor. Before each K, this process's CPU over an idle
 *    second (three in a full run) is measured; the JSON also gives a "net"
 *    CPU per packet with it subtracted (the table shows the raw figure: the
 *    idle second can catch the previous K's garbage collection, and then
 *    the correction is larger than what it corrects).
 *    Kernel receive-buffer drops (/proc/net/udp) show where packets were lost.
 * 2. Silence: a call of 10 where participant i speaks during second i of
 *    every 10 s and sends the Opus silence frame (F8 FF FE) every 20 ms
 *    otherwise (a client that keeps sending), for N seconds, against two
 *    media nodes at once, suppressSilence on and off: bytes each way and
 *    on / off.
 * 3. Crypto alone: CPU per seal and per open of one 80-byte frame in each
 *    mode, no sockets (what the SFU's extra cost per packet is made of).
 *
 *   npm run bench -- voice [--quick] [--k=2,10,50] [--seconds=6] [--rounds=2] [--xchacha-k=10] [--silence-seconds=30]
 *
 * Writes bench/results/voice.json (voice-quick.json with --quick).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createMediaNode, type EncryptionMode, type MediaCounters, type MediaNode, type MediaPeer } from '../libs/voice/src/media';
import { ChildClients } from './lib/child-clients';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { writeResults } from './lib/results';
import { loadAverage, machine, printTable, round } from './lib/stats';
import { cryptoCost } from './lib/voice-crypto-cost';
import { FloorRelay } from './lib/voice-floor-relay';
import { closeGroup, measure, openGroup, pool, type Measurement, type Target, type Timing } from './lib/voice-measure';
import { firstFrameAt, FRAME_MS, silenceCycleSpeaks, type FromClients, type ParticipantSpec, type TalkPattern } from './lib/voice-protocol';
import { udpReceiveDrops } from './lib/voice-udp-drops';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const KS = (option('k') ?? '2,10,50').split(',').map(Number);
/** Measured seconds per round and side; the sides alternate order round by round (floor first in even rounds, SFU first in odd ones). */
const WINDOW_MS = Number(option('seconds') ?? (quick ? 3 : 6)) * 1000;
const ROUNDS = Number(option('rounds') ?? (quick ? 1 : 2));
const WARMUP_MS = quick ? 1000 : 2000;
/** The clients keep sending this long past the parent's window, so a late parent timer still measures a full rate. */
const TAIL_MS = 1000;
const DRAIN_MS = 500;
/** Before each K: this process's CPU with no traffic, subtracted to give the net CPU per packet. */
const IDLE_MS = quick ? 1000 : 3000;
const XCHACHA_K = Number(option('xchacha-k') ?? 10);
const SILENCE_MS = Number(option('silence-seconds') ?? (quick ? 10 : 30)) * 1000;
const SILENCE_K = 10;
/** Seals and opens per mode for the crypto-alone table. */
const CRYPTO_OPS = quick ? 20_000 : 100_000;
const FRAMES_PER_S = 50;
const GUILD_ID = '1100000000000000001';
const CHANNEL_ID = '1100000000000000002';
const USER_BASE = 1_200_000_000_000_000_000n;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Ran = Extract<FromClients, { type: 'ran' }>;
const TIMING: Timing = { warmupMs: WARMUP_MS, windowMs: WINDOW_MS, tailMs: TAIL_MS, drainMs: DRAIN_MS };

const specs = (k: number, ssrc: (i: number) => number): ParticipantSpec[] => Array.from({ length: k }, (_, i) => ({ ssrc: ssrc(i), keyHex: randomBytes(32).toString('hex') }));

/** A media node in this process with K joined peers; sessions start once the child's discovery bound them. */
async function sfuTarget(k: number, suppressSilence: boolean): Promise<{ node: MediaNode; target: Target; participants: ParticipantSpec[]; peers: MediaPeer[] }> {
  const node = await createMediaNode({ bindHost: '127.0.0.1', port: 0, advertisedIp: '127.0.0.1', suppressSilence });
  onCleanup(`media node :${node.port}`, () => node.close());
  const call = node.call(GUILD_ID, CHANNEL_ID);
  const participants = specs(k, () => node.allocateSsrc());
  const peers = participants.map((p, i) => call.join({ userId: (USER_BASE + BigInt(i)).toString(), ssrc: p.ssrc }));
  return { node, peers, participants, target: { address: { address: '127.0.0.1', port: node.port }, counters: () => node.counters() } };
}

function startSessions(peers: MediaPeer[], participants: ParticipantSpec[], mode: EncryptionMode): void {
  for (const [i, peer] of peers.entries()) {
    if (peer.remote === null) throw new Error(`peer ${peer.ssrc} was not bound by IP discovery`);
    peer.startSession(mode, Buffer.from(participants[i]?.keyHex ?? '', 'hex'));
  }
}

/** The K-participant call against the floor relay and then the media node. */
async function callCase(clients: ChildClients, k: number, mode: EncryptionMode) {
  const speakers = Math.max(1, Math.round(k / 4));
  const pattern: TalkPattern = { kind: 'speakers', speakers };
  const expectedPerS = speakers * (k - 1) * FRAMES_PER_S;
  const load = loadAverage();
  const idleCpu = process.cpuUsage();
  const idleStarted = performance.now();
  await sleep(IDLE_MS);
  const idleUsage = process.cpuUsage(idleCpu);
  const idleUsPerMs = (idleUsage.user + idleUsage.system) / (performance.now() - idleStarted);

  const floorRounds: Measurement[] = [];
  const sfuRounds: Measurement[] = [];
  let nextSsrc = 1000;
  const runFloor = async (round: number) => {
    const relay = await FloorRelay.open();
    const closeRelay = onCleanup('floor relay', () => relay.close());
    const group = `floor-${k}-${mode}-${round}`;
    const target: Target = { address: { address: '127.0.0.1', port: relay.port }, counters: () => relay.counters() };
    await openGroup(clients, group, target, mode, 'sender', specs(k, () => nextSsrc++));
    floorRounds.push(await measure(clients, group, pattern, target, TIMING));
    await closeGroup(clients, group);
    await closeRelay();
  };
  const runSfu = async (round: number) => {
    const sfu = await sfuTarget(k, true);
    const group = `sfu-${k}-${mode}-${round}`;
    await openGroup(clients, group, sfu.target, mode, 'own', sfu.participants);
    startSessions(sfu.peers, sfu.participants, mode);
    sfuRounds.push(await measure(clients, group, pattern, sfu.target, TIMING));
    await closeGroup(clients, group);
    await sfu.node.close();
  };
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      await runFloor(r);
      await runSfu(r);
    } else {
      await runSfu(r);
      await runFloor(r);
    }
  }

  const summarise = (m: Measurement) => ({
    forwarded_per_s: round((m.forwarded / m.wallMs) * 1000, 0),
    delivered_of_expected: round((m.forwarded / m.wallMs) * 1000 / expectedPerS, 3),
    latency_p50_ms: round(m.report.latencyP50Ms, 3),
    latency_p99_ms: round(m.report.latencyP99Ms, 3),
    latency_max_ms: round(m.report.latencyMaxMs, 1),
    latency_samples: m.report.latencySamples,
    cpu_us_per_packet: round(m.forwarded > 0 ? m.cpuUs / m.forwarded : 0, 2),
    net_cpu_us_per_packet: round(m.forwarded > 0 ? Math.max(0, m.cpuUs - idleUsPerMs * m.wallMs) / m.forwarded : 0, 2),
    server_cpu_share: round(m.cpuUs / 1000 / m.wallMs, 3),
    client_open_failures: m.report.openFailures,
    server_dropped: m.dropped,
    server_receive_buffer_drops: m.serverReceiveDrops,
    client_received_of_sent: round(m.report.receivedPackets / Math.max(1, m.report.sentPackets * (k - 1)), 3),
    client_receive_buffer_drops: m.report.receiveDrops,
    client_cpu_s: round(m.clientCpuUs / 1e6, 2),
    windows_ms: round(m.wallMs, 0),
  });
  const f = summarise(pool(floorRounds));
  const s = summarise(pool(sfuRounds));
  if (f.client_open_failures + s.client_open_failures > 0) throw new Error(`K=${k} ${mode}: ${f.client_open_failures} floor and ${s.client_open_failures} SFU datagrams did not open at the listeners`);
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
  return {
    k,
    mode,
    speakers,
    expected_per_s: expectedPerS,
    rounds: ROUNDS,
    load_average: load,
    idle_server_cpu_share: round(idleUsPerMs / 1000, 4),
    floor: f,
    sfu: s,
    sfu_over_floor: {
      forwarded_per_s: ratio(s.forwarded_per_s, f.forwarded_per_s),
      latency_p50: ratio(s.latency_p50_ms, f.latency_p50_ms),
      latency_p99: ratio(s.latency_p99_ms, f.latency_p99_ms),
      cpu_per_packet: ratio(s.cpu_us_per_packet, f.cpu_us_per_packet),
      net_cpu_per_packet: ratio(s.net_cpu_us_per_packet, f.net_cpu_us_per_packet),
    },
  };
}

/**
 * The packets a media node must forward in the silence call when no datagram
 * is lost: the clients' schedule replayed through the rule of
 * libs/voice/src/media/silence.ts (speech always; silence only while the run
 * of silence frames is at most 5, when suppressing), times K-1 listeners.
 */
function expectedSilenceForwards(suppress: boolean): number {
  let forwarded = 0;
  for (let i = 0; i < SILENCE_K; i++) {
    let run = 0;
    for (let n = 0, at = firstFrameAt(i, SILENCE_K); at < SILENCE_MS; n++, at = firstFrameAt(i, SILENCE_K) + n * FRAME_MS) {
      if (silenceCycleSpeaks(i, at)) run = 0;
      else run++;
      if (!suppress || run <= 5) forwarded += SILENCE_K - 1;
    }
  }
  return forwarded;
}

/** Ten mostly silent participants against two media nodes at once, suppression on and off. */
async function silenceCase(clients: ChildClients) {
  const mode: EncryptionMode = 'aead_aes256_gcm_rtpsize';
  const on = await sfuTarget(SILENCE_K, true);
  const off = await sfuTarget(SILENCE_K, false);
  for (const [name, side] of [['silence-on', on], ['silence-off', off]] as const) {
    await openGroup(clients, name, side.target, mode, 'own', side.participants);
    startSessions(side.peers, side.participants, mode);
  }
  const beforeOn = on.node.counters();
  const beforeOff = off.node.counters();
  const dropsOn = udpReceiveDrops([on.node.port]);
  const dropsOff = udpReceiveDrops([off.node.port]);
  clients.send({ type: 'run', groups: [{ group: 'silence-on', pattern: { kind: 'silence-cycle' } }, { group: 'silence-off', pattern: { kind: 'silence-cycle' } }], warmupMs: 0, durationMs: SILENCE_MS, drainMs: DRAIN_MS });
  const ran = await clients.next<Ran>('ran', SILENCE_MS + DRAIN_MS + 60_000);
  const side = (node: MediaNode, before: MediaCounters, dropsBefore: number | null, group: string, expected: number) => {
    const after = node.counters();
    const drops = udpReceiveDrops([node.port]);
    const report = ran.groups.find((g) => g.group === group);
    if (report === undefined) throw new Error(`no report for ${group}`);
    if (report.openFailures > 0) throw new Error(`${group}: ${report.openFailures} datagrams did not open`);
    return {
      client_to_server_bytes: report.sentBytes,
      client_to_server_packets: report.sentPackets,
      voice_frames_sent: report.sentVoice,
      silence_frames_sent: report.sentSilence,
      server_to_clients_bytes: after.bytesSent - before.bytesSent,
      server_to_clients_packets: after.packetsForwarded - before.packetsForwarded,
      expected_packets_forwarded: expected,
      silence_suppressed: after.silenceSuppressed - before.silenceSuppressed,
      server_packets_received: after.packetsReceived - before.packetsReceived,
      server_receive_buffer_drops: drops === null || dropsBefore === null ? null : drops - dropsBefore,
      clients_received_bytes: report.receivedBytes,
      voice_frames_received: report.latencySamples,
    };
  };
  const suppressed = side(on.node, beforeOn, dropsOn, 'silence-on', expectedSilenceForwards(true));
  const unsuppressed = side(off.node, beforeOff, dropsOff, 'silence-off', expectedSilenceForwards(false));
  for (const name of ['silence-on', 'silence-off']) await closeGroup(clients, name);
  await on.node.close();
  await off.node.close();
  return {
    k: SILENCE_K,
    seconds: SILENCE_MS / 1000,
    mode,
    suppress_on: suppressed,
    suppress_off: unsuppressed,
    on_over_off: {
      server_to_clients_bytes: round(suppressed.server_to_clients_bytes / unsuppressed.server_to_clients_bytes, 3),
      server_to_clients_packets: round(suppressed.server_to_clients_packets / unsuppressed.server_to_clients_packets, 3),
      both_ways_bytes: round(
        (suppressed.server_to_clients_bytes + suppressed.client_to_server_bytes) / (unsuppressed.server_to_clients_bytes + unsuppressed.client_to_server_bytes),
        3,
      ),
    },
  };
}

await runBenchmark(async () => {
  const loadBefore = loadAverage();
  const cases: { k: number; mode: EncryptionMode }[] = KS.map((k) => ({ k, mode: 'aead_aes256_gcm_rtpsize' }));
  if (XCHACHA_K > 0) cases.push({ k: XCHACHA_K, mode: 'aead_xchacha20_poly1305_rtpsize' });
  console.log(
    `voice: K = ${KS.join(', ')} (a quarter speaking) + xchacha at K = ${XCHACHA_K || 'none'}; ${WARMUP_MS / 1000} s warm-up, ${WINDOW_MS / 1000} s window x ${ROUNDS} round(s) per side, floor and SFU alternating; silence K = ${SILENCE_K} for ${SILENCE_MS / 1000} s; load average ${loadBefore.join(' ')}`,
  );
  const clients = await ChildClients.start(fileURLToPath(new URL('./lib/voice-clients.ts', import.meta.url)));
  onCleanup('voice clients', () => clients.close());

  const calls = [];
  for (const c of cases) {
    const result = await callCase(clients, c.k, c.mode);
    calls.push(result);
    console.log(`  K=${c.k} ${c.mode}: floor ${result.floor.forwarded_per_s}/s, SFU ${result.sfu.forwarded_per_s}/s of ${result.expected_per_s}/s expected (load ${result.load_average.join(' ')})`);
  }
  const silence = await silenceCase(clients);
  const crypto = cryptoCost(CRYPTO_OPS);

  const short = (mode: string) => (mode === 'aead_aes256_gcm_rtpsize' ? 'aes-gcm' : 'xchacha');
  console.log('');
  printTable(
    ['K', 'mode', 'speak', 'expected/s', 'floor fwd/s', 'SFU fwd/s', 'SFU deliv.', 'floor p50/p99 ms', 'SFU p50/p99 ms', 'p50 x', 'p99 x', 'floor µs/pkt', 'SFU µs/pkt', 'CPU x', 'SFU rcvbuf drops'],
    calls.map((c) => [
      c.k,
      short(c.mode),
      c.speakers,
      c.expected_per_s,
      c.floor.forwarded_per_s,
      c.sfu.forwarded_per_s,
      c.sfu.delivered_of_expected,
      `${c.floor.latency_p50_ms} / ${c.floor.latency_p99_ms}`,
      `${c.sfu.latency_p50_ms} / ${c.sfu.latency_p99_ms}`,
      c.sfu_over_floor.latency_p50 ?? '-',
      c.sfu_over_floor.latency_p99 ?? '-',
      c.floor.cpu_us_per_packet,
      c.sfu.cpu_us_per_packet,
      c.sfu_over_floor.cpu_per_packet ?? '-',
      c.sfu.server_receive_buffer_drops ?? '-',
    ]),
  );
  console.log('');
  const row = (label: string, s: typeof silence.suppress_on) => [label, s.client_to_server_bytes, s.server_to_clients_bytes, `${s.server_to_clients_packets} (${s.expected_packets_forwarded})`, s.silence_suppressed, s.voice_frames_received];
  printTable(
    [`silence K=${SILENCE_K}, ${SILENCE_MS / 1000} s`, 'client->server bytes', 'server->clients bytes', 'packets forwarded (expected)', 'silence suppressed', 'voice frames received'],
    [row('suppressSilence on', silence.suppress_on), row('suppressSilence off', silence.suppress_off), ['on / off', round(silence.suppress_on.client_to_server_bytes / silence.suppress_off.client_to_server_bytes, 3), silence.on_over_off.server_to_clients_bytes, silence.on_over_off.server_to_clients_packets, '', '']],
  );
  console.log(`both ways, on / off: ${silence.on_over_off.both_ways_bytes}`);
  console.log('');
  printTable(
    ['crypto alone, 80-byte frame', 'ops', 'seal µs CPU', 'open µs CPU'],
    crypto.map((c) => [short(c.mode), c.ops, round(c.sealCpuUs, 2), round(c.openCpuUs, 2)]),
  );
  for (const [label, s] of [['on', silence.suppress_on], ['off', silence.suppress_off]] as const) {
    if (s.server_to_clients_packets !== s.expected_packets_forwarded) {
      console.log(`suppressSilence ${label}: ${s.server_to_clients_packets} forwarded, ${s.expected_packets_forwarded} expected; the node received ${s.server_packets_received} of ${s.client_to_server_packets} datagrams (kernel receive-buffer drops: ${s.server_receive_buffer_drops ?? 'n/a'})`);
    }
  }
  const loadAfter = loadAverage();
  console.log(`load average after: ${loadAfter.join(' ')}`);
  writeResults(quick ? 'voice-quick' : 'voice', {
    machine: machine(),
    load_average: { before: loadBefore, after: loadAfter },
    settings: { quick, warmup_ms: WARMUP_MS, window_ms: WINDOW_MS, rounds: ROUNDS, frames_per_s: FRAMES_PER_S, voice_frame_opus_bytes: 80, silence_seconds: SILENCE_MS / 1000 },
    calls,
    silence,
    crypto_alone: crypto.map((c) => ({ mode: c.mode, ops: c.ops, seal_cpu_us: round(c.sealCpuUs, 2), open_cpu_us: round(c.openCpuUs, 2) })),
  });
});
