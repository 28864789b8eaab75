/**
 * The chaos run (issue #12): a fleet under steady load from Discord-API
 * clients (REST posts through the gateways that are up, as a load balancer
 * would send them, and a gateway session per user), and one fault at a
 * time: SIGKILL of the guild's owner, of the channel's data node, of a
 * gateway, of the search indexer, of read states, and a Kafka stop/start.
 * Per fault it measures posts accepted and failed, accepted messages
 * missing from history, live deliveries missed by sessions that stayed
 * connected outside the failover window, how long writes or deliveries
 * stopped, and how sessions that lost their connection came back.
 */
import { RingView, StaticMembership } from '@chat/ring';
import { callApi } from '../testing/rest-api';
import { alive, HOST, infra, restartNode, stopNode, type FleetNode, type FleetState } from '../fleet/fleet';
import { ChaosSession, type ResumeOutcome } from './chaos-session';

/** A fault: how to cause it and how to end it. */
export interface Fault {
  readonly name: string;
  inject(context: FaultContext, world: ChaosWorld): Promise<void>;
  recover(context: FaultContext): Promise<void>;
}

/** What a fault acts on. */
export interface FaultContext {
  readonly dir: string;
  readonly state: FleetState;
  readonly guildId: string;
  readonly channelId: string;
  /** Infra user env for the Kafka fault (so a test run's broker stays the test run's). */
  readonly infraEnv: Record<string, string>;
  log(line: string): void;
}

/** One fault's figures. */
export interface FaultReport {
  fault: string;
  postsAccepted: number;
  postsFailed: number;
  /** Failed posts by status (0: no answer). */
  failedStatuses: Record<string, number>;
  /** Accepted (2xx) messages not in the channel's history afterwards. */
  acceptedMissing: number;
  /** Messages in history more than once. */
  duplicates: number;
  /**
   * Live deliveries missed by sessions that stayed connected, outside the
   * failover window: each session's own window is the time its guild was
   * unavailable to it (GUILD_DELETE unavailable until GUILD_CREATE).
   */
  liveMissed: number;
  /** Those misses by the gateway that accepted the message. */
  liveMissedVia: Record<string, number>;
  /** Longest time after the fault during which no accepted message reached every connected session, in seconds. */
  unavailableSeconds: number;
  /** The longest time a session's guild was unavailable to it (GUILD_DELETE unavailable until GUILD_CREATE) after the fault, in seconds. */
  guildAwaySeconds: number;
  resumes: Record<ResumeOutcome, number>;
  /** Accepted messages that sessions which came back with RESUME (never op 9) did not receive. */
  resumedMissed: number;
  /** The longest time a session whose connection dropped took to be live again (READY or RESUMED), in seconds; 0 when none dropped. */
  reconnectSeconds: number;
}

/** Settings of a run. */
export interface ChaosSettings {
  /** Seconds with the fault in effect before recovery. */
  faultSeconds: number;
  /** Seconds of load before the fault and after recovery. */
  settleSeconds: number;
  /** Time between two posts, in ms. */
  postIntervalMs: number;
  /** How long a delivery may take before it counts as missed, in ms. */
  deliveryGraceMs: number;
  log(line: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const owner = (nodes: readonly FleetNode[], key: string): FleetNode => {
  const id = new RingView(new StaticMembership(nodes.map((n) => ({ id: n.id, address: `${HOST}:${n.grpc}` })))).owner(key);
  return nodes.find((n) => n.id === id)!;
};
const killAndRestart = (pick: (context: FaultContext, world: ChaosWorld) => FleetNode, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Pick<Fault, 'inject' | 'recover'> => {
  let killed: FleetNode | undefined;
  return {
    async inject(context, world) {
      killed = pick(context, world);
      context.log(`chaos: ${signal} ${killed.id}`);
      await stopNode(killed, signal);
    },
    async recover(context) {
      context.log(`chaos: restarting ${killed!.id}`);
      await restartNode(context.dir, context.state, killed!, context.log);
    },
  };
};

/** The gateway holding the most sessions now (after a kill they all sit on the survivor). */
function busiestGateway(state: FleetState, world: ChaosWorld): FleetNode {
  const gateways = state.nodes.filter((n) => n.app === 'gateway');
  const counts = gateways.map((_, i) => world.sessions.filter((s) => s.gatewayIndex === i).length);
  return gateways[counts.indexOf(Math.max(...counts))]!;
}

/** The faults, in the order the run injects them. */
export const FAULTS: readonly Fault[] = [
  { name: 'guild owner killed', ...killAndRestart((c) => owner(c.state.nodes.filter((n) => n.app === 'guild'), c.guildId)) },
  { name: 'data node killed', ...killAndRestart((c) => owner(c.state.nodes.filter((n) => n.app === 'data-service'), c.channelId)) },
  { name: 'gateway killed', ...killAndRestart((c) => c.state.nodes.filter((n) => n.app === 'gateway').at(-1)!) },
  { name: 'gateway drained', ...killAndRestart((c, world) => busiestGateway(c.state, world), 'SIGTERM') },
  { name: 'search indexer killed', ...killAndRestart((c) => c.state.nodes.find((n) => n.app === 'search-indexer')!) },
  { name: 'read states killed', ...killAndRestart((c) => c.state.nodes.find((n) => n.app === 'read-states')!) },
  {
    name: 'kafka stopped and started',
    async inject(context) {
      context.log('chaos: stopping Kafka (data kept)');
      await infra('stop', ['kafka'], context.infraEnv);
    },
    async recover(context) {
      context.log('chaos: starting Kafka on its data');
      await infra('start', ['kafka'], context.infraEnv);
    },
  },
];

/** The users, guild and sessions a run puts its load through. */
export interface ChaosWorld {
  guildId: string;
  channelId: string;
  users: { id: string; token: string }[];
  sessions: ChaosSession[];
}

/** The gateway nodes with their ws:// URL and whether they run. */
function gatewaysOf(state: FleetState): { node: FleetNode; url: string; api: string; up: boolean }[] {
  return state.nodes.filter((n) => n.app === 'gateway').map((node) => ({ node, url: `ws://${HOST}:${node.http}`, api: `http://${HOST}:${node.http}/api`, up: alive(node.pid) }));
}

/** Registers `userCount` users (the first owns the guild, the others join by invite) and connects a session each, spread over the gateways. */
export async function buildWorld(state: FleetState, userCount: number): Promise<ChaosWorld> {
  const api = gatewaysOf(state)[0]!.api;
  const users: { id: string; token: string }[] = [];
  for (let i = 0; i < userCount; i++) {
    const registered = await callApi(api, 'POST', '/auth/register', undefined, { username: `chaos${i}`, password: 'correct horse battery', email: `chaos${i}@example.com` });
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
    users.push({ id: registered.body.user_id, token: registered.body.token });
  }
  const guildId = (await callApi(api, 'POST', '/guilds', users[0]!.token, { name: 'Chaos' })).body.id as string;
  const channelId = (await callApi(api, 'GET', `/guilds/${guildId}/channels`, users[0]!.token)).body[0].id as string;
  const code = (await callApi(api, 'POST', `/channels/${channelId}/invites`, users[0]!.token, {})).body.code as string;
  for (const user of users.slice(1)) {
    const joined = await callApi(api, 'POST', `/invites/${code}`, user.token, {});
    if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
  }
  const sessions = users.map((user, i) => new ChaosSession(user.id, user.token, () => gatewaysOf(state).map((g) => ({ url: g.url, up: g.up })), i));
  await Promise.all(sessions.map((session) => session.start()));
  return { guildId, channelId, users, sessions };
}

/** Every message id of the channel, newest first (paged with `before`). */
async function history(state: FleetState, world: ChaosWorld): Promise<string[]> {
  const ids: string[] = [];
  let before: string | undefined;
  for (;;) {
    const api = gatewaysOf(state).find((g) => g.up)!.api;
    const page = await callApi(api, 'GET', `/channels/${world.channelId}/messages?limit=100${before ? `&before=${before}` : ''}`, world.users[0]!.token);
    if (page.status !== 200) throw new Error(`history: ${page.status} ${JSON.stringify(page.body)}`);
    const batch = page.body as { id: string }[];
    ids.push(...batch.map((m) => m.id));
    if (batch.length < 100) return ids;
    before = batch.at(-1)!.id;
  }
}

/** Runs one fault under load and measures it. */
export async function runFault(fault: Fault, context: FaultContext, world: ChaosWorld, settings: ChaosSettings): Promise<FaultReport> {
  const accepted: { id: string; at: number; via: string }[] = [];
  const failedStatuses: Record<string, number> = {};
  let stop = false;
  let turn = 0;
  // As a load balancer does: requests go only to gateways whose /ready answers 200.
  const ready = new Set<string>();
  const watcher = (async () => {
    while (!stop) {
      await Promise.all(
        gatewaysOf(context.state).map(async (g) => {
          const ok = g.up && (await fetch(`http://${HOST}:${g.node.ops}/ready`).then((r) => r.ok, () => false));
          if (ok) ready.add(g.node.id);
          else ready.delete(g.node.id);
        }),
      );
      await sleep(200);
    }
  })();
  await sleep(300);
  const poster = (async () => {
    while (!stop) {
      const up = gatewaysOf(context.state).filter((g) => ready.has(g.node.id));
      const user = world.users[turn % world.users.length]!;
      const gateway = up[turn % Math.max(1, up.length)];
      turn += 1;
      const nonce = `${fault.name.length}-${turn}-${Date.now()}`.slice(0, 25);
      const started = Date.now();
      const answer = gateway
        ? await callApi(gateway.api, 'POST', `/channels/${world.channelId}/messages`, user.token, { content: `chaos ${turn}`, nonce, enforce_nonce: true }).catch(() => ({ status: 0, body: null }))
        : { status: 0, body: null };
      if (answer.status >= 200 && answer.status < 300) accepted.push({ id: answer.body.id as string, at: started, via: gateway!.node.id });
      else failedStatuses[String(answer.status)] = (failedStatuses[String(answer.status)] ?? 0) + 1;
      await sleep(Math.max(0, settings.postIntervalMs - (Date.now() - started)));
    }
  })();
  const resumesBefore = world.sessions.map((s) => s.resumes.length);
  const reconnectsBefore = world.sessions.map((s) => s.reconnects.length);
  await sleep(settings.settleSeconds * 1000);
  const injectedAt = Date.now();
  await fault.inject(context, world);
  await sleep(settings.faultSeconds * 1000);
  await fault.recover(context);
  await sleep(settings.settleSeconds * 1000);
  stop = true;
  await Promise.all([poster, watcher]);
  await sleep(settings.deliveryGraceMs);

  // Complete: every session that stayed connected, with its guild available, from the post until the grace ran out got it.
  const everywhere = accepted.map((m) => {
    const times = world.sessions.filter((s) => s.connectedThrough(m.at, m.at + settings.deliveryGraceMs)).map((s) => s.received.get(m.id));
    // Delivered: some session could get it and every such session did (a message no session could get is not delivered).
    return { ...m, delivered: times.length > 0 && times.every((t) => t !== undefined), missedBy: times.filter((t) => t === undefined).length };
  });
  // Unavailability: the longest stretch after the fault during which no message accepted in it reached every connected session.
  const afterFault = everywhere.filter((m) => m.at >= injectedAt);
  let longest = 0;
  let lastGood = injectedAt;
  for (const m of afterFault) {
    if (m.delivered) {
      longest = Math.max(longest, m.at - lastGood);
      lastGood = m.at;
    }
  }
  const stoppedAt = afterFault.at(-1)?.at ?? injectedAt;
  longest = Math.max(longest, afterFault.some((m) => m.delivered) ? 0 : stoppedAt - injectedAt);
  const missed = everywhere.filter((m) => m.missedBy > 0);
  const liveMissedVia: Record<string, number> = {};
  for (const m of missed) liveMissedVia[m.via] = (liveMissedVia[m.via] ?? 0) + 1;

  const stored = await history(context.state, world);
  const storedSet = new Set(stored);
  const resumes: Record<ResumeOutcome, number> = { resumed: 0, 'invalid-session': 0, failed: 0 };
  // A session that came back with RESUME (never op 9) must have missed nothing: RESUME replays what it did not get.
  let resumedMissed = 0;
  world.sessions.forEach((session, i) => {
    const records = session.resumes.slice(resumesBefore[i]);
    for (const record of records) resumes[record.outcome] += 1;
    if (!records.some((r) => r.outcome === 'resumed') || records.some((r) => r.outcome === 'invalid-session')) return;
    const away = session.guildUnavailable.filter(([, to]) => to >= injectedAt);
    resumedMissed += accepted.filter((m) => !session.received.has(m.id) && !away.some(([from, to]) => m.at + settings.deliveryGraceMs >= from && m.at <= to)).length;
  });
  return {
    fault: fault.name,
    postsAccepted: accepted.length,
    postsFailed: Object.values(failedStatuses).reduce((a, b) => a + b, 0),
    failedStatuses,
    acceptedMissing: accepted.filter((m) => !storedSet.has(m.id)).length,
    duplicates: stored.length - storedSet.size,
    liveMissed: missed.length,
    liveMissedVia,
    unavailableSeconds: Math.round(longest / 100) / 10,
    resumes,
    resumedMissed,
    guildAwaySeconds: Math.round(Math.max(0, ...world.sessions.flatMap((s) => s.guildUnavailable.filter(([from]) => from >= injectedAt).map(([from, to]) => (to === Infinity ? Date.now() : to) - from))) / 100) / 10,
    reconnectSeconds: Math.round(Math.max(0, ...world.sessions.flatMap((s, i) => s.reconnects.slice(reconnectsBefore[i]).map((r) => r.backAt - r.droppedAt))) / 100) / 10,
  };
}

/** The reports as a table. */
export function formatReports(reports: readonly FaultReport[], store: string): string {
  const header = ['fault', 'store', 'accepted', 'failed (status:n)', 'missing', 'dupes', 'live missed', 'unavail s', 'resumed/op9/failed', 'resumed missed', 'reconnect s', 'guild away s'];
  const rows = reports.map((r) => [
    r.fault,
    store,
    String(r.postsAccepted),
    `${r.postsFailed}${r.postsFailed ? ` (${Object.entries(r.failedStatuses).map(([s, n]) => `${s}:${n}`).join(' ')})` : ''}`,
    String(r.acceptedMissing),
    String(r.duplicates),
    String(r.liveMissed),
    r.unavailableSeconds.toFixed(1),
    `${r.resumes.resumed}/${r.resumes['invalid-session']}/${r.resumes.failed}`,
    String(r.resumedMissed),
    r.reconnectSeconds.toFixed(1),
    r.guildAwaySeconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
