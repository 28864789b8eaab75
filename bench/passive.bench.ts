/**
 * passive: what does a passive session save? One busy guild above the
 * passive threshold, two user sessions of the same kind in it: one ACTIVE
 * (upgraded with op 37 GUILD_SUBSCRIPTIONS_BULK, as a client that has the
 * guild open) and one PASSIVE (never subscribed). Both IDENTIFY with the
 * same intents. Then traffic by other members, and the bytes each of the two
 * received, by event type, in the same run.
 *
 * - The whole server runs in this process (every module, guild-service,
 *   SQLite seeded through @chat/store: lib/fanout-seed.ts), with
 *   CHAT_GUILD_PASSIVE_THRESHOLD at its default 75 and 200 members.
 * - Traffic (in this order, `--concurrency` requests in flight): M messages
 *   by other members, round robin, 8-15 words from a fixed vocabulary
 *   (seeded PRNG); every 10th mentions the passive user (`<@id>`);
 *   3 `@everyone` messages by the owner (at 1/4, 1/2, 3/4); a
 *   typing request (POST /channels/{id}/typing) before every 2nd message;
 *   every 20th item a presence change (op 3, idle/online) by one of 10 other
 *   connected members. The last message goes alone after everything else, and
 *   both sessions wait for it (MESSAGE_CREATE on the active one,
 *   PASSIVE_UPDATE_V1 on the passive one), so the counts are complete.
 * - Bytes are WebSocket payload bytes, counted from after the warm-up
 *   message; READY and GUILD_CREATE are reported separately. A second
 *   active/passive pair connects with compress=zlib-stream and gets the same
 *   traffic (mentions name both passive users): its compressed payload bytes
 *   are the zlib columns.
 *
 * The counts are checked: the active session gets every message, typing and
 * presence; the passive one exactly its mentions and the @everyone messages
 * as MESSAGE_CREATE, one PASSIVE_UPDATE_V1 per message, no typing, no
 * presence. Any mismatch is printed and the run exits 1.
 *
 *   npm run bench -- passive [--quick] [--members=200] [--messages=300] [--threshold=75] [--concurrency=4]
 *
 * Writes bench/results/passive.json (passive-quick.json with --quick).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@chat/modules';
import { allModules } from '../apps/server/src/modules';
import { seededRandom } from './lib/bench-messages';
import { onCleanup, runBenchmark } from './lib/cleanup';
import { seedFanoutGuild } from './lib/fanout-seed';
import { GatewayProbe, type FrameCount } from './lib/gateway-probe';
import { writeResults } from './lib/results';
import { loadAverage, machine, printTable, round } from './lib/stats';
import { EPHEMERAL_PORTS } from '../apps/server/src/testing/ephemeral-ports';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const MEMBERS = Number(option('members') ?? 200);
const MESSAGES = Number(option('messages') ?? (quick ? 100 : 300));
const THRESHOLD = Number(option('threshold') ?? 75);
const CONCURRENCY = Number(option('concurrency') ?? 4);
const PRESENCE_CLIENTS = 10;
const EVERYONE = 3;
/** GUILDS | GUILD_PRESENCES | GUILD_MESSAGES | GUILD_MESSAGE_TYPING | MESSAGE_CONTENT. */
const INTENTS = 1 | (1 << 8) | (1 << 9) | (1 << 11) | (1 << 15);
const WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const WORDS = (
  'the a to and of is it in that we for on this with you be have not but are at can was just so if about when what now will do get one all some ' +
  'build deploy test release fix bug branch merge review server client relay guild channel message session cache query index shard node ' +
  'lunch coffee meeting tomorrow today tonight later again still maybe really think looks works broke green red slow fast new old ' +
  'please thanks sure okay great nice weird strange issue ticket log trace metric alert page graph latency memory disk network'
).split(' ');

/** 8 to 15 words from a fixed vocabulary: chat-like text, so zlib sees realistic repetition rather than one repeated line. */
function chatter(random: () => number): string {
  const n = 8 + Math.floor(random() * 8);
  return Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)] ?? 'ok').join(' ');
}

type Item = { kind: 'message'; index: number; mention: boolean } | { kind: 'everyone'; index: number } | { kind: 'typing'; index: number } | { kind: 'presence'; index: number };

/** The traffic, in order: messages with typing before every 2nd, @everyone at quarters, presence every 20th item. */
function plan(): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    if (i % 2 === 1) items.push({ kind: 'typing', index: i });
    items.push({ kind: 'message', index: i, mention: i % 10 === 3 });
    for (let e = 1; e <= EVERYONE; e++) if (i === Math.floor((MESSAGES * e) / (EVERYONE + 1))) items.push({ kind: 'everyone', index: e });
    if (i % 20 === 10) items.push({ kind: 'presence', index: i });
  }
  return items;
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const dir = mkdtempSync(join(tmpdir(), 'bench-passive-'));
  const removeDir = onCleanup('remove passive sqlite dir', async () => rmSync(dir, { recursive: true, force: true }));
  const seeded = await seedFanoutGuild(join(dir, 'chat.db'), MEMBERS - 1);
  const server = await startServer({
    definitions: allModules,
    argv: [],
    handleSignals: false,
    env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: join(dir, 'chat.db'), CHAT_LOG_LEVEL: 'error', CHAT_GUILD_PASSIVE_THRESHOLD: String(THRESHOLD) },
  });
  const stop = onCleanup('stop server', async () => {
    await server.shutdown('bench');
  });
  const probes: GatewayProbe[] = [];
  const closeProbes = onCleanup('close sessions', async () => probes.forEach((p) => p.close()));
  try {
    const gateway = `${server.endpoints.gateway}/?v=10&encoding=json`;
    const api = `${server.endpoints.api}/v10/channels/${seeded.channelId}`;
    const [activeToken, passiveToken, activeZToken, passiveZToken, ...others] = seeded.memberTokens;
    const presenceTokens = others.slice(0, PRESENCE_CLIENTS);
    const senders = others.slice(PRESENCE_CLIENTS);
    const a = await GatewayProbe.connect(gateway, activeToken ?? '', { intents: INTENTS });
    const p = await GatewayProbe.connect(gateway, passiveToken ?? '', { intents: INTENTS });
    // The same pair again with compress=zlib-stream: same traffic, compressed wire bytes.
    const az = await GatewayProbe.connect(gateway, activeZToken ?? '', { intents: INTENTS, compress: true });
    const pz = await GatewayProbe.connect(gateway, passiveZToken ?? '', { intents: INTENTS, compress: true });
    probes.push(a.probe, p.probe, az.probe, pz.probe);
    const active = a.probe;
    const passive = p.probe;
    const pairs = [
      { name: 'plain', active, passive },
      { name: 'zlib-stream', active: az.probe, passive: pz.probe },
    ];
    for (const pair of pairs) pair.active.sendOp(37, { subscriptions: { [seeded.guildId]: { typing: true, activities: true, threads: true } } });
    const presenceProbes: GatewayProbe[] = [];
    for (const token of presenceTokens) {
      const { probe } = await GatewayProbe.connect(gateway, token, { intents: 1, presence: { status: 'online', activities: [], since: null, afk: false } });
      probes.push(probe);
      presenceProbes.push(probe);
    }
    console.log(`guild of ${MEMBERS} members (passive threshold ${THRESHOLD}); active ${active.userId} and ${az.probe.userId} (zlib-stream), passive ${passive.userId} and ${pz.probe.userId} (zlib-stream), ${presenceProbes.length} other sessions for presence, ${senders.length} senders`);

    let limited = 0;
    const post = async (token: string, content: string): Promise<{ id: string; mention_everyone: boolean; mentions: { id: string }[] }> => {
      for (;;) {
        const response = await fetch(`${api}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ content }) });
        const body = (await response.json()) as { retry_after?: number; id: string; mention_everyone: boolean; mentions: { id: string }[] };
        if (response.status === 429) {
          limited++;
          await sleep(Math.ceil((body.retry_after ?? 1) * 1000));
          continue;
        }
        if (response.status !== 200) throw new Error(`POST message: ${response.status} ${JSON.stringify(body)}`);
        return body;
      }
    };
    const passiveUpdateFor = (id: string) => (d: { t: string; d: any }) => d.t === 'PASSIVE_UPDATE_V1' && (d.d?.channels ?? []).some((c: { last_message_id?: string }) => c.last_message_id === id);
    const createOf = (id: string) => (d: { t: string; d: any }) => d.t === 'MESSAGE_CREATE' && d.d?.id === id;

    // Warm-up: the active session proves its upgrade by receiving a plain message, the passive one gets its unread marker.
    const warm = await post(seeded.ownerToken, 'passive warm-up');
    let warmPassiveGotCreate = false;
    for (const pair of pairs) {
      await pair.active.waitFor(createOf(warm.id), WAIT_MS, 'warm-up MESSAGE_CREATE (is op 37 applied?)');
      await pair.passive.waitFor(passiveUpdateFor(warm.id), WAIT_MS, 'warm-up PASSIVE_UPDATE_V1');
      if (pair.passive.dispatches.some(createOf(warm.id))) warmPassiveGotCreate = true;
    }
    for (const pair of pairs) {
      pair.active.reset();
      pair.passive.reset();
    }

    const started = performance.now();
    const allIds: string[] = [];
    const forPassive: string[] = [];
    let typing = 0;
    let presence = 0;
    let everyoneHonoured = 0;
    const random = seededRandom(4); // the same texts every run
    const run = async (item: Item): Promise<void> => {
      if (item.kind === 'message') {
        const sender = senders[item.index % senders.length] ?? '';
        const text = item.mention ? `<@${passive.userId}> <@${pz.probe.userId}> ${chatter(random)}?` : chatter(random);
        const body = await post(sender, text);
        allIds.push(body.id);
        if (item.mention) forPassive.push(body.id);
      } else if (item.kind === 'everyone') {
        const body = await post(seeded.ownerToken, `@everyone ${chatter(random)} (${item.index} of ${EVERYONE})`);
        allIds.push(body.id);
        forPassive.push(body.id);
        if (body.mention_everyone) everyoneHonoured++;
      } else if (item.kind === 'typing') {
        const response = await fetch(`${api}/typing`, { method: 'POST', headers: { authorization: senders[item.index % senders.length] ?? '' } });
        if (response.status !== 204) throw new Error(`POST typing: ${response.status} ${await response.text()}`);
        typing++;
      } else {
        const probe = presenceProbes[presence % presenceProbes.length];
        probe?.sendOp(3, { since: null, activities: [], status: Math.floor(presence / presenceProbes.length) % 2 === 0 ? 'idle' : 'online', afk: false });
        presence++;
      }
    };
    const items = plan();
    const last = items.findLastIndex((i) => i.kind === 'message');
    const [lastItem] = items.splice(last, 1);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < items.length) await run(items[next++] as Item);
      }),
    );
    // Presence goes session -> guild service, not through REST: wait for it before the closing message.
    const presenceSeen = await Promise.race([
      (async () => {
        while (pairs.some((pair) => pair.active.count('PRESENCE_UPDATE').frames < presence)) await sleep(50);
        return true;
      })(),
      sleep(WAIT_MS).then(() => false),
    ]);
    if (lastItem) await run(lastItem);
    const lastId = allIds[allIds.length - 1] ?? '';
    for (const pair of pairs) {
      await pair.active.waitFor(createOf(lastId), WAIT_MS, 'last MESSAGE_CREATE');
      await pair.passive.waitFor(passiveUpdateFor(lastId), WAIT_MS, 'last PASSIVE_UPDATE_V1');
    }
    const trafficMs = performance.now() - started;
    const loadAfter = loadAverage();

    // Checks.
    const problems: string[] = [];
    const expect = (what: string, got: number, want: number) => got !== want && problems.push(`${what}: ${got}, expected ${want}`);
    const createIds = (probe: GatewayProbe) => probe.dispatches.filter((d) => d.t === 'MESSAGE_CREATE').map((d) => String(d.d.id));
    expect('messages sent', allIds.length, MESSAGES + EVERYONE);
    expect('@everyone honoured (mention_everyone in the REST answer)', everyoneHonoured, EVERYONE);
    expect('passive got the warm-up MESSAGE_CREATE (not mentioned)', warmPassiveGotCreate ? 1 : 0, 0);
    if (!presenceSeen) problems.push(`an active session saw fewer than ${presence} presence changes within ${WAIT_MS} ms`);
    for (const { name, active: act, passive: pas } of pairs) {
      const activeIds = new Set(createIds(act));
      const passiveIds = createIds(pas);
      expect(`${name}: active MESSAGE_CREATE`, act.count('MESSAGE_CREATE').frames, allIds.length);
      expect(`${name}: active MESSAGE_CREATE of the sent ids`, allIds.filter((id) => activeIds.has(id)).length, allIds.length);
      expect(`${name}: active TYPING_START`, act.count('TYPING_START').frames, typing);
      expect(`${name}: active PRESENCE_UPDATE`, act.count('PRESENCE_UPDATE').frames, presence);
      expect(`${name}: active PASSIVE_UPDATE_V1`, act.count('PASSIVE_UPDATE_V1').frames, 0);
      expect(`${name}: passive MESSAGE_CREATE`, passiveIds.length, forPassive.length);
      expect(`${name}: passive MESSAGE_CREATE that are its mentions or @everyone`, passiveIds.filter((id) => forPassive.includes(id)).length, forPassive.length);
      expect(`${name}: passive PASSIVE_UPDATE_V1 (one per message)`, pas.count('PASSIVE_UPDATE_V1').frames, allIds.length);
      expect(`${name}: passive TYPING_START`, pas.count('TYPING_START').frames, 0);
      expect(`${name}: passive PRESENCE_UPDATE`, pas.count('PRESENCE_UPDATE').frames, 0);
      if (pas.total().wireBytes >= act.total().wireBytes) problems.push(`${name}: the passive session received at least as many bytes as the active one`);
    }

    const types = [...new Set(pairs.flatMap((pair) => [...pair.active.counts.keys(), ...pair.passive.counts.keys()]))].sort();
    const ratio = (p: number, a: number) => (a === 0 ? null : round(p / a, 3));
    const zActive = az.probe;
    const zPassive = pz.probe;
    const row = (type: string, ac: FrameCount, pc: FrameCount, zac: FrameCount, zpc: FrameCount) => ({
      type,
      active_frames: ac.frames,
      active_bytes: ac.bytes,
      passive_frames: pc.frames,
      passive_bytes: pc.bytes,
      passive_over_active: ratio(pc.bytes, ac.bytes),
      active_zlib_bytes: zac.wireBytes,
      passive_zlib_bytes: zpc.wireBytes,
      passive_over_active_zlib: ratio(zpc.wireBytes, zac.wireBytes),
    });
    const rows = types.map((t) => row(t, active.count(t), passive.count(t), zActive.count(t), zPassive.count(t)));
    const totals = row('total', active.total(), passive.total(), zActive.total(), zPassive.total());
    const connectRow = (name: string, counts: Map<string, FrameCount>) => [...counts].map(([t, c]) => `${t} ${c.bytes} B`).join(', ') + ` (${name})`;

    console.log(`\npassive: one guild of ${MEMBERS} members above the threshold ${THRESHOLD}; ${MESSAGES} messages (every 10th mentions the passive user) + ${EVERYONE} @everyone, ${typing} typing, ${presence} presence changes, in ${Math.round(trafficMs)} ms`);
    console.log(`load average (1/5/15 min): ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after\n`);
    printTable(
      ['event', 'active frames', 'active bytes', 'passive frames', 'passive bytes', 'passive / active', 'active zlib B', 'passive zlib B', 'zlib passive / active'],
      [...rows, totals].map((r) => [r.type, r.active_frames, r.active_bytes, r.passive_frames, r.passive_bytes, r.passive_over_active ?? '-', r.active_zlib_bytes, r.passive_zlib_bytes, r.passive_over_active_zlib ?? '-']),
    );
    console.log(`\nconnect: ${connectRow('active', a.connect)}; ${connectRow('passive', p.connect)}`);
    console.log(`429s waited out: ${limited}`);
    console.log(problems.length === 0 ? 'checks: all counts as expected' : `CHECKS FAILED:\n  ${problems.join('\n  ')}`);
    writeResults(quick ? 'passive-quick' : 'passive', {
      benchmark: 'passive',
      quick,
      members: MEMBERS,
      passive_threshold: THRESHOLD,
      intents: INTENTS,
      traffic: { messages: MESSAGES, mentions_of_passive: forPassive.length - EVERYONE, everyone: EVERYONE, typing, presence_changes: presence, presence_sessions: presenceProbes.length, senders: senders.length, concurrency: CONCURRENCY, ms: Math.round(trafficMs) },
      bytes: 'WebSocket payload bytes received after the warm-up message, by event type (op 0 by t, others as "op N"): *_bytes uncompressed JSON text of the plain pair, *_zlib_bytes compressed payload bytes of the second pair (compress=zlib-stream), same traffic',
      by_type: rows,
      total: totals,
      connect: { active: Object.fromEntries(a.connect), passive: Object.fromEntries(p.connect), active_zlib: Object.fromEntries(az.connect), passive_zlib: Object.fromEntries(pz.connect) },
      rate_limited_429: limited,
      checks_failed: problems,
      date: new Date().toISOString(),
      load_average: { before: loadBefore, after: loadAfter },
      machine: machine(),
    });
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await closeProbes();
    await stop();
    await removeDir();
  }
}

await runBenchmark(main);
