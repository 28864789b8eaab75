/**
 * Finds a real Cassandra for a benchmark: CASSANDRA_CONTACT_POINTS (+
 * CASSANDRA_LOCAL_DC) when set, used as is; otherwise
 * `scripts/infra/infra.sh up cassandra`, registered as a user of the server
 * (CHAT_INFRA_USER / CHAT_INFRA_USER_PID = this process) so that nobody
 * else's `release` stops it under us, and released again at the end (which
 * stops it only if this run started it and nobody else uses it). See
 * docs/infra.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup';

const INFRA_SH = fileURLToPath(new URL('../../scripts/infra/infra.sh', import.meta.url));

/** A Cassandra to use, and how to give it back. */
export interface CassandraLease {
  contactPoints: string[];
  localDataCenter: string;
  /** 'environment' (CASSANDRA_CONTACT_POINTS) or 'infra.sh'. */
  source: 'environment' | 'infra.sh';
  /** Drops this run's user record (infra.sh release; also registered with onCleanup, so it runs however the run ends); a no-op for servers from the environment. */
  release(): Promise<void>;
}

/** Runs infra.sh for one server with this process as the user; its output is echoed with a prefix. Resolves with the exit code. */
export function infra(command: 'up' | 'release', user: string, log: (line: string) => void, service: 'cassandra' | 'elasticsearch' = 'cassandra'): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', [INFRA_SH, command, service], {
      env: { ...process.env, CHAT_INFRA_USER: user, CHAT_INFRA_USER_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const echo = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') log(`  | ${line}`);
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('error', (error) => {
      log(`  | ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** KEY=value lines of the infra endpoints file. */
export function readEndpoints(): Record<string, string> {
  const run = process.env.CHAT_INFRA_RUN ?? join(process.env.CHAT_INFRA_CACHE ?? join(homedir(), '.cache', 'chat-infra'), 'run');
  const file = join(run, 'endpoints.env');
  if (!existsSync(file)) return {};
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/**
 * A Cassandra for this run. `label` names the run in infra.sh's user records.
 *
 * @throws {Error} with the reason when none can be had.
 */
export async function acquireCassandra(label: string, log: (line: string) => void = console.log): Promise<CassandraLease> {
  const fromEnv = process.env.CASSANDRA_CONTACT_POINTS;
  if (fromEnv) {
    log(`cassandra: using CASSANDRA_CONTACT_POINTS=${fromEnv}`);
    return { contactPoints: fromEnv.split(','), localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1', source: 'environment', release: async () => undefined };
  }
  const user = `bench-${label}-${process.pid}`;
  log(`cassandra: bash scripts/infra/infra.sh up cassandra (as user ${user}; the first start takes about a minute)`);
  const release = onCleanup('release cassandra', async () => {
    log(`cassandra: bash scripts/infra/infra.sh release cassandra (user ${user})`);
    await infra('release', user, log);
  });
  const started = performance.now();
  const code = await infra('up', user, log);
  if (code !== 0) {
    await release();
    throw new Error(`infra.sh up cassandra exited with ${code}`);
  }
  const endpoints = readEndpoints();
  const points = endpoints.CASSANDRA_CONTACT_POINTS;
  if (!points) {
    await release();
    throw new Error('infra.sh up cassandra succeeded but endpoints.env has no CASSANDRA_CONTACT_POINTS');
  }
  log(`cassandra: ${points} ready after ${Math.round((performance.now() - started) / 100) / 10} s`);
  return { contactPoints: points.split(','), localDataCenter: endpoints.CASSANDRA_LOCAL_DC ?? 'datacenter1', source: 'infra.sh', release };
}
