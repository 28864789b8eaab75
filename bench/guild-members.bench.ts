/**
 * guild-members: does a big member listing still stall the guild node?
 * One guild node in this process (GuildNode, no gRPC: the cost measured is
 * the node's), a guild of M members (default 100,000) and a small second
 * guild, both in an in-memory store (libs/guild/src/member-worker/testing).
 *
 * - A full listing walks ListMembers pages (query '', limit 1000, next_after)
 *   until the last one, as the gateway does for REQUEST_GUILD_MEMBERS with
 *   limit 0: 100 pages for 100,000 members.
 * - While it runs, a probe asks get-permissions on a 1 ms schedule of the
 *   OTHER guild's actor and, separately, of the SAME guild's actor:
 *   p50/p99/max of those asks, timed from when each was due (a stalled
 *   thread delays the send, and that counts), is what every other guild on
 *   the node feels. The event-loop delay of the node's thread (perf_hooks)
 *   is reported beside them. Pages are walked with one event-loop turn
 *   between them, standing in for the gRPC hop.
 * - Before the listings of each round the same probes run for 2 s with no
 *   listing ("idle"): on a shared machine that floor (OS scheduling, GC) is
 *   what the listing rows must be read against.
 * - Modes in the same run, alternating, R rounds each: workers off
 *   (CHAT_GUILD_WORKERS=0, the in-thread listing chunked 500 per actor turn)
 *   and workers on (W threads, default 2). Each round starts a fresh node:
 *   the first listing is "cold" (with workers it includes copying the guild
 *   into its worker); a second, "warm" listing follows.
 *
 *   npm run bench -- guild-members [--quick] [--members=100000] [--rounds=3] [--workers=2]
 *
 * Writes bench/results/guild-members.json (guild-members-quick.json with --quick).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { guildV1 } from '@chat/proto';
import { GuildNode } from '@chat/guild';
import { RingView, StaticMembership } from '@chat/ring';
import { LargeGuildStore, memberIdOf } from '@chat/guild/testing';
import { runBenchmark } from './lib/cleanup';
import { writeResults } from './lib/results';
import { loadAverage, machine, percentile, printTable, round } from './lib/stats';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const MEMBERS = Number(option('members') ?? (quick ? 20_000 : 100_000));
const ROUNDS = Number(option('rounds') ?? (quick ? 1 : 3));
const WORKERS = Number(option('workers') ?? 2);
const BIG = '7001';
const OTHER = '7002';

interface Probe {
  latencies: number[];
  stop(): Promise<void>;
}

/**
 * Asks `guildId` get-permissions on a 1 ms schedule and records each ask's
 * latency from its SCHEDULED time (as wrk2 does): when the node's thread is
 * blocked the timer cannot fire, so the asks that fell due meanwhile go out
 * late, and that wait counts. Measuring from the actual send would hide
 * exactly the stall this benchmark is about.
 */
function probe(node: GuildNode, guildId: string): Probe {
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let next = start + 1;
  const fire = () => {
    const now = performance.now();
    for (; next <= now; next += 1) {
      const due = next;
      const ask = node
        .ask<guildV1.GetPermissionsResponse>(guildId, (reply) => ({ type: 'get-permissions', userId: memberIdOf(guildId, 2), reply }))
        .then(() => void latencies.push(performance.now() - due))
        .finally(() => inFlight.delete(ask));
      inFlight.add(ask);
    }
  };
  const timer = setInterval(fire, 1);
  return {
    latencies,
    async stop() {
      fire();
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** Walks every page of the big guild; returns [ms, members]. */
async function fullListing(node: GuildNode): Promise<[number, number]> {
  const started = performance.now();
  let after = '';
  let members = 0;
  for (;;) {
    const request: guildV1.ListMembersRequest = { guildId: BIG, query: '', limit: 1000, after, userIds: [], includePresences: false };
    const page = await node.ask<guildV1.ListMembersResponse>(BIG, (reply) => ({ type: 'list-members', request, reply }), 120_000);
    members += page.membersJson.length;
    if (page.nextAfter === '') return [performance.now() - started, members];
    after = page.nextAfter;
    // Stands in for the gRPC round trip between pages (the gateway asks for the next page over the network).
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface Measured {
  listingMs: number;
  other: number[];
  same: number[];
  loopP99Ms: number;
  loopMaxMs: number;
}

async function measuredListing(node: GuildNode): Promise<Measured> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const other = probe(node, OTHER);
  const same = probe(node, BIG);
  loop.enable();
  const [listingMs, members] = await fullListing(node);
  loop.disable();
  await Promise.all([other.stop(), same.stop()]);
  if (members !== MEMBERS) throw new Error(`listing returned ${members} members, expected ${MEMBERS}`);
  return { listingMs, other: other.latencies, same: same.latencies, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
}

/** The same probes with no listing running, for `ms`: the floor this machine gives at the moment. */
async function idle(node: GuildNode, ms: number): Promise<Measured> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const other = probe(node, OTHER);
  const same = probe(node, BIG);
  loop.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  loop.disable();
  await Promise.all([other.stop(), same.stop()]);
  return { listingMs: 0, other: other.latencies, same: same.latencies, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 };
}

/** Warnings and errors the node logged (a worker listing that fell back to in-thread logs one). */
const logged: string[] = [];
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (_fields: Record<string, unknown>, msg: string) => void logged.push(msg),
  error: (_fields: Record<string, unknown>, msg: string) => void logged.push(msg),
};

interface Round {
  workers: number;
  warnings: string[];
  idle: Measured;
  cold: Measured;
  warm: Measured;
}

async function round1(store: LargeGuildStore, workers: number): Promise<Round> {
  const ring = new RingView(new StaticMembership([{ id: 'guild-a', address: 'local' }]));
  const node = new GuildNode({ nodeId: 'guild-a', ring, store, memberWorkers: workers, askTimeoutMs: 120_000, logger });
  const firstLog = logged.length;
  try {
    // Activate both guilds (store load) outside the measurement.
    await node.ask(BIG, (reply) => ({ type: 'get-guild', reply }), 120_000);
    await node.ask(OTHER, (reply) => ({ type: 'get-guild', reply }));
    await node.memberWorkers?.whenReady(); // the threads load their code at node start, not during the listing
    const baseline = await idle(node, quick ? 1000 : 2000);
    const cold = await measuredListing(node);
    const warm = await measuredListing(node);
    return { workers, warnings: logged.slice(firstLog), idle: baseline, cold, warm };
  } finally {
    await node.stop();
    ring.close();
  }
}

/** Median of the rounds' p99s: one round hit by a neighbour's burst or a major GC does not make the figure. */
function medianP99(runs: readonly number[][]): number {
  return round(percentile(runs.map((r) => percentile(r, 99)), 50));
}

function summary(values: readonly number[]) {
  return { n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(Math.max(0, ...values)) };
}

async function main(): Promise<void> {
  const store = new LargeGuildStore();
  const seeded = performance.now();
  store.addGuild(BIG, MEMBERS);
  store.addGuild(OTHER, 10);
  console.log(`guild-members: ${MEMBERS} members, ${ROUNDS} round(s), workers off vs ${WORKERS}; store filled in ${round(performance.now() - seeded, 0)} ms`);
  const rounds: Round[] = [];
  const load = [loadAverage()];
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const workers of r % 2 === 0 ? [0, WORKERS] : [WORKERS, 0]) {
      rounds.push(await round1(store, workers));
      load.push(loadAverage());
    }
  }
  const modes = [0, WORKERS].map((workers) => {
    const mine = rounds.filter((r) => r.workers === workers);
    const pick = (phase: 'idle' | 'cold' | 'warm') => {
      const runs = mine.map((r) => r[phase]);
      return {
        listing_ms: summary(runs.map((m) => m.listingMs)),
        other_guild_ask_ms: summary(runs.flatMap((m) => m.other)),
        other_guild_ask_p99_ms_median_of_rounds: medianP99(runs.map((m) => m.other)),
        other_guild_ask_p99_ms_per_round: runs.map((m) => round(percentile(m.other, 99))),
        same_guild_ask_ms: summary(runs.flatMap((m) => m.same)),
        same_guild_ask_p99_ms_median_of_rounds: medianP99(runs.map((m) => m.same)),
        event_loop_delay_p99_ms: round(Math.max(...runs.map((m) => m.loopP99Ms))),
        event_loop_delay_max_ms: round(Math.max(...runs.map((m) => m.loopMaxMs))),
      };
    };
    return { workers, warnings: mine.flatMap((r) => r.warnings), idle: pick('idle'), cold: pick('cold'), warm: pick('warm') };
  });
  const rows = modes.flatMap((m) =>
    (['idle', 'cold', 'warm'] as const).map((phase) => {
      const s = m[phase];
      return [
        m.workers === 0 ? 'off' : `on (${m.workers})`,
        phase === 'idle' ? 'none (idle)' : phase,
        phase === 'idle' ? '-' : s.listing_ms.p50,
        s.other_guild_ask_ms.p50,
        s.other_guild_ask_p99_ms_median_of_rounds,
        s.other_guild_ask_ms.p99,
        s.other_guild_ask_ms.max,
        s.same_guild_ask_ms.p50,
        s.same_guild_ask_p99_ms_median_of_rounds,
        s.event_loop_delay_max_ms,
        s.other_guild_ask_ms.n,
      ];
    }),
  );
  console.log('');
  printTable(['workers', 'listing', 'list ms (median)', 'other p50', 'other p99 (median round)', 'other p99 (all)', 'other max', 'same p50', 'same p99 (median round)', 'loop max', 'asks'], rows);
  console.log('ask latencies in ms (get-permissions every 1 ms during the listing, timed from when due); p50 and p99 (all) over every ask of every round, p99 (median round) the median of per-round p99; idle = the same probes with no listing (this machine\'s floor right now); loop max = worst event-loop delay of the node thread');
  const warnings = rounds.flatMap((r) => r.warnings);
  console.log(warnings.length === 0 ? 'no warnings logged (no worker listing fell back to in-thread)' : `node warnings: ${warnings.join('; ')}`);
  writeResults(quick ? 'guild-members-quick' : 'guild-members', {
    benchmark: 'guild-members',
    quick,
    members: MEMBERS,
    rounds: ROUNDS,
    pages: Math.ceil(MEMBERS / 1000),
    modes,
    raw_rounds: rounds.map((r) => ({
      workers: r.workers,
      idle_other_p99_ms: round(percentile(r.idle.other, 99)),
      cold_listing_ms: round(r.cold.listingMs),
      warm_listing_ms: round(r.warm.listingMs),
      cold_other_p99_ms: round(percentile(r.cold.other, 99)),
      warm_other_p99_ms: round(percentile(r.warm.other, 99)),
    })),
    load_average: load,
    machine: machine(),
  });
}

await runBenchmark(main);
