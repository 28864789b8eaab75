/**
 * A fleet on one machine: the services as separate processes on loopback
 * (N gateways, N guild nodes, N data-service nodes, one read-states, one
 * search-indexer), each on its own ports, on one SQLite file or on the
 * infra script's Cassandra, with Kafka from the infra script. Nodes run
 * detached with their output in <dir>/logs/<id>.log; the state (nodes,
 * pids, ports) is <dir>/fleet.json, so `npm run fleet -- kill guild-1` from
 * another shell finds them. `npm run fleet` and the chaos suite use it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail } from './log-tail';

/** The repository root (apps/<app> are started from here). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Every node listens here and nowhere else. */
export const HOST = '127.0.0.1';

/**
 * Something the operator must fix (bad option, a node that would not start).
 * For a node that died, the message ends with the last lines of its log
 * (`logTail`): the fleet's directory may be gone by the time anyone reads it.
 */
export class FleetError extends Error {
  override readonly name = 'FleetError';
  /** The end of the failed node's log, when a node died (also at the end of the message). */
  readonly logTail: string | undefined;

  constructor(message: string, options: { logTail?: string; cause?: unknown } = {}) {
    super(options.logTail === undefined ? message : `${message}\n--- last lines of its log ---\n${options.logTail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.logTail = options.logTail;
  }
}

/** The apps a fleet runs. */
export type FleetApp = 'guild' | 'data-service' | 'read-states' | 'search-indexer' | 'gateway';

/** One process of the fleet. */
export interface FleetNode {
  readonly app: FleetApp;
  readonly id: string;
  readonly grpc: number;
  readonly ops: number;
  /** The REST API and WebSocket port (gateways only: a fleet gateway node runs the gateway and the API, CHAT_TARGET=gateway,api). */
  http?: number;
  readonly env: Record<string, string>;
  pid?: number;
  log?: string;
  startedAt?: string;
}

/** What `fleetUp` takes. */
export interface FleetOptions {
  dir: string;
  gateways?: number;
  guilds?: number;
  data?: number;
  store?: 'sqlite' | 'scylla';
  basePort?: number;
  /** Extra CHAT_* keys for every node (e.g. CHAT_API_RATE_LIMITS). */
  env?: Record<string, string>;
  /** Kafka (and Cassandra) endpoints already running (KAFKA_BROKERS, CASSANDRA_*): the infra script is not asked. */
  endpoints?: Record<string, string>;
  log?: (line: string) => void;
}

/** A fleet as written to <dir>/fleet.json. */
export interface FleetState {
  topology: Required<Omit<FleetOptions, 'env' | 'log' | 'dir' | 'endpoints'>>;
  endpoints: Record<string, string>;
  nodes: FleetNode[];
}

/**
 * True while a pid runs. A process that exited but was not reaped yet (a
 * zombie: the fleet's own children, until Node collects them) does not
 * count: signal 0 still reaches it, so /proc says which it is.
 */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The fleet state of `dir`, or undefined. */
export function readState(dir: string): FleetState | undefined {
  const file = join(dir, 'fleet.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FleetState) : undefined;
}

/** Writes the fleet state of `dir`. */
export function writeState(dir: string, state: FleetState): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fleet.json'), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * `scripts/infra/infra.sh <command> <services>`; returns the endpoints it
 * wrote. `env` may name the infra user (CHAT_INFRA_USER, _PID) so servers
 * started for a test run stop when its last user is gone; without it what
 * starts stays up (by hand).
 */
export async function infra(command: 'up' | 'stop' | 'start', services: readonly string[], env: Record<string, string> = {}): Promise<Record<string, string>> {
  // Not spawnSync: a chaos run's load and sessions go on while the broker stops and starts.
  const child = spawn('bash', [join(ROOT, 'scripts/infra/infra.sh'), command, ...services], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (status !== 0) throw new FleetError(`scripts/infra could not ${command} ${services.join(', ')}`);
  const file = join(process.env.CHAT_INFRA_CACHE ?? join(homedir(), '.cache/chat-infra'), 'run/endpoints.env');
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The nodes of a topology, each with its id, ports and environment. */
export function plan(options: Required<Omit<FleetOptions, 'log'>>): FleetNode[] {
  const { dir, endpoints } = options;
  let port = options.basePort;
  const nodes: FleetNode[] = [];
  const add = (app: FleetApp, id: string, env: Record<string, string>): FleetNode => {
    const grpc = port++;
    const ops = port++;
    const node: FleetNode = { app, id, grpc, ops, env: { CHAT_NODE_ID: id, CHAT_GRPC_HOST: HOST, CHAT_GRPC_PORT: String(grpc), CHAT_OPS_HOST: HOST, CHAT_OPS_PORT: String(ops), ...env } };
    nodes.push(node);
    return node;
  };
  const common: Record<string, string> = {
    CHAT_LOG_LEVEL: 'info',
    CHAT_BUS: 'kafka',
    CHAT_KAFKA_BROKERS: endpoints.KAFKA_BROKERS ?? '',
    ...(options.store === 'sqlite'
      ? { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(dir, 'chat.db') }
      : { CHAT_STORE: 'scylla', CHAT_SCYLLA_CONTACT_POINTS: endpoints.CASSANDRA_CONTACT_POINTS ?? '', CHAT_SCYLLA_LOCAL_DC: endpoints.CASSANDRA_LOCAL_DC ?? 'datacenter1', CHAT_SCYLLA_KEYSPACE: 'chat_fleet' }),
    ...options.env,
  };
  let worker = 1;
  // Every process that issues ids has its own snowflake worker id.
  const ids = (): Record<string, string> => ({ CHAT_SNOWFLAKE_WORKER_ID: String(worker++ % 32), CHAT_SNOWFLAKE_PROCESS_ID: '0' });
  const ring = (list: readonly FleetNode[]): string => list.map((n) => `${n.id}=${HOST}:${n.grpc}`).join(',');
  const guilds = Array.from({ length: options.guilds }, (_, i) => add('guild', `guild-${i}`, { ...common, ...ids(), CHAT_GUILD_NODE_ID: `guild-${i}` }));
  for (const node of guilds) node.env.CHAT_GUILD_NODES = ring(guilds);
  const data = Array.from({ length: options.data }, (_, i) => add('data-service', `data-${i}`, { ...common, ...ids(), CHAT_DATA_NODE_ID: `data-${i}` }));
  const readStates = add('read-states', 'read-states-0', { ...common, ...ids(), CHAT_READ_STATES_NODE_ID: 'read-states-0' });
  readStates.env.CHAT_READ_STATES_NODES = ring([readStates]);
  const search = add('search-indexer', 'search-0', { ...common, CHAT_SEARCH_BACKEND: 'sqlite', CHAT_SEARCH_SQLITE_PATH: join(dir, 'search.db') });
  const gateways: FleetNode[] = [];
  for (let i = 0; i < options.gateways; i++) {
    const http = port++;
    const node = add('gateway', `gateway-${i}`, {
      ...common,
      ...ids(),
      CHAT_TARGET: 'gateway,api',
      CHAT_HTTP_HOST: HOST,
      CHAT_HTTP_PORT: String(http),
      CHAT_GATEWAY_NODE_ID: `gateway-${i}`,
      CHAT_GATEWAY_GUILD_NODES: ring(guilds),
      CHAT_GATEWAY_READ_STATES_NODES: ring([readStates]),
      CHAT_API_GUILD_NODES: ring(guilds),
      CHAT_API_DATA_NODES: ring(data),
      CHAT_API_READ_STATES_NODES: ring([readStates]),
      CHAT_API_SEARCH_NODES: ring([search]),
    });
    node.http = http;
    gateways.push(node);
  }
  // Each gateway knows the others, so a RESUME on any of them takes the session over; each API sends user events to all.
  for (const node of gateways) {
    node.env.CHAT_GATEWAY_PEERS = ring(gateways);
    node.env.CHAT_API_GATEWAY_NODES = ring(gateways);
  }
  return nodes;
}

/** Starts one node detached, its output appended to its log file; records pid and log. */
export function launch(dir: string, node: FleetNode): void {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const log = join(dir, 'logs', `${node.id}.log`);
  const out = openSync(log, 'a');
  // A node with a CHAT_TARGET runs several modules: the one binary (apps/server) runs them.
  const main = node.env.CHAT_TARGET ? 'server' : node.app;
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${main}/src/main.ts`], { cwd: ROOT, env: { ...process.env, ...node.env }, stdio: ['ignore', out, out], detached: true });
  child.unref();
  closeSync(out);
  node.pid = child.pid;
  node.log = log;
  node.startedAt = new Date().toISOString();
}

/** Waits until every node's /ready answers 200; throws when one exits or the time is up. */
export async function waitReady(nodes: readonly FleetNode[], timeoutMs = 120_000, log: (line: string) => void = console.log): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(nodes);
  while (pending.size > 0) {
    for (const node of [...pending]) {
      if (!alive(node.pid)) throw new FleetError(`${node.id} exited while starting; see ${node.log}`, { logTail: node.log ? logTail(node.log) : '(no log: the node was not launched)' });
      const ready = await fetch(`http://${HOST}:${node.ops}/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) {
        pending.delete(node);
        log(`fleet: ${node.id.padEnd(14)} ready (pid ${node.pid})`);
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new FleetError(`not ready after ${timeoutMs / 1000} s: ${[...pending].map((n) => n.id).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One line per node for `status`. */
export function describe(node: FleetNode): string {
  const state = alive(node.pid) ? `up (pid ${node.pid})` : 'down';
  const where = [node.http ? `http ${HOST}:${node.http}` : undefined, `grpc ${HOST}:${node.grpc}`, `ops ${HOST}:${node.ops}`].filter(Boolean).join('  ');
  return `${node.id.padEnd(14)} ${node.app.padEnd(15)} ${state.padEnd(18)} ${where}`;
}

/** The node with this id, or a FleetError naming the ones there are. */
export function nodeOf(state: FleetState | undefined, id: string | undefined): FleetNode {
  const node = state?.nodes.find((n) => n.id === id);
  if (!node) throw new FleetError(`no node ${JSON.stringify(id)}; nodes: ${state?.nodes.map((n) => n.id).join(', ') ?? '(no fleet is up)'}`);
  return node;
}

/** Sends `signal` and waits for the exit (SIGKILL after 10 s). */
export async function stopNode(node: FleetNode, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!alive(node.pid)) return;
  process.kill(node.pid!, signal);
  for (let i = 0; i < 100 && alive(node.pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(node.pid)) process.kill(node.pid!, 'SIGKILL');
  for (let i = 0; i < 50 && alive(node.pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

/**
 * Brings a fleet up in `dir`: the infra servers it needs, the Scylla schema,
 * then the nodes group by group (guild, data, read-states, search, gateways:
 * each group waits for the ones it dials). Returns the state, also written
 * to <dir>/fleet.json.
 */
export async function fleetUp(options: FleetOptions): Promise<FleetState> {
  const full = { gateways: 2, guilds: 2, data: 2, store: 'sqlite' as const, basePort: 21000, env: {}, ...options };
  const { dir, log = console.log } = options;
  if (readState(dir)?.nodes.some((n) => alive(n.pid))) throw new FleetError(`a fleet is already up in ${dir} (npm run fleet -- status; down first)`);
  if (full.store !== 'sqlite' && full.store !== 'scylla') throw new FleetError(`store must be sqlite or scylla, got ${JSON.stringify(full.store)}`);
  mkdirSync(dir, { recursive: true });
  if (full.store === 'sqlite') for (const file of ['chat.db', 'chat.db-wal', 'chat.db-shm', 'search.db', 'search.db-wal', 'search.db-shm']) rmSync(join(dir, file), { force: true });
  const endpoints = options.endpoints ?? (await infra('up', full.store === 'scylla' ? ['kafka', 'cassandra'] : ['kafka']));
  if (full.store === 'scylla') {
    const migrate = spawnSync(process.execPath, ['--import', 'tsx', 'libs/store/src/scylla/migrate.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, CHAT_SCYLLA_CONTACT_POINTS: endpoints.CASSANDRA_CONTACT_POINTS ?? '', CHAT_SCYLLA_LOCAL_DC: endpoints.CASSANDRA_LOCAL_DC ?? 'datacenter1', CHAT_SCYLLA_KEYSPACE: 'chat_fleet' },
    });
    if (migrate.status !== 0) throw new FleetError('the Scylla migration failed');
  }
  const nodes = plan({ ...full, endpoints });
  const state: FleetState = { topology: { gateways: full.gateways, guilds: full.guilds, data: full.data, store: full.store, basePort: full.basePort }, endpoints, nodes };
  for (const app of ['guild', 'data-service', 'read-states', 'search-indexer', 'gateway'] as const) {
    const group = nodes.filter((n) => n.app === app);
    for (const node of group) launch(dir, node);
    writeState(dir, state);
    await waitReady(group, 120_000, log);
  }
  return state;
}

/** Stops every node of the fleet in `dir` (SIGTERM, SIGKILL after 10 s); undefined when there is none. */
export async function fleetDown(dir: string): Promise<FleetState | undefined> {
  const state = readState(dir);
  if (!state) return undefined;
  await Promise.all(state.nodes.map((node) => stopNode(node, 'SIGTERM')));
  return state;
}

/** Starts a node again (same id, ports and data) and waits until it is ready. */
export async function restartNode(dir: string, state: FleetState, node: FleetNode, log: (line: string) => void = console.log): Promise<void> {
  await stopNode(node, 'SIGTERM');
  launch(dir, node);
  writeState(dir, state);
  await waitReady([node], 120_000, log);
}
