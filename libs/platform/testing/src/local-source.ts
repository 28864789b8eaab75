import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { endpointsFromVariables, parseEnvFile } from './env-source';
import { InfraScriptError, InfraUnavailableError, type InfraService } from './errors';
import type { InfraEndpoints } from './endpoints';

/** scripts/infra/infra.sh of this checkout. */
export const INFRA_SCRIPT = fileURLToPath(new URL('../../../../scripts/infra/infra.sh', import.meta.url));

/** The name of each service in scripts/infra (`s3` is served by SeaweedFS). */
export const SCRIPT_SERVICES = {
  kafka: 'kafka',
  cassandra: 'cassandra',
  elasticsearch: 'elasticsearch',
  etcd: 'etcd',
  s3: 'seaweedfs',
} as const satisfies Record<InfraService, string>;

/** Servers obtained from scripts/infra, and how to give them back. */
export interface LocalInfra {
  endpoints: Partial<InfraEndpoints>;
  /**
   * Runs `infra.sh release`: a server that infra.sh started for a test run is
   * stopped once no live test run uses it; servers brought up by hand stay.
   */
  stop(): Promise<void>;
}

/**
 * Who we are to infra.sh: it records this test run as a user of each server
 * (alive while this process is) so that concurrent runs share servers and
 * the last one out stops those that were started for tests.
 */
const USER_ENV = {
  CHAT_INFRA_USER: `vitest-${process.pid}-${randomBytes(3).toString('hex')}`,
  CHAT_INFRA_USER_PID: String(process.pid),
};

/** Where infra.sh writes endpoints.env (same defaults as scripts/infra/lib.sh). */
export function endpointsFile(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['CHAT_INFRA_CACHE'] || join(env['HOME'] || homedir(), '.cache', 'chat-infra');
  return join(env['CHAT_INFRA_RUN'] || join(cache, 'run'), 'endpoints.env');
}

/**
 * Runs infra.sh with the given arguments as this test run's user. Its stdout
 * (progress lines) is passed through when `echo` is set, else returned;
 * stderr is always passed through and its tail kept for the error.
 *
 * @throws InfraScriptError when it exits non-zero.
 */
async function runScript(args: string[], echo: boolean): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [INFRA_SCRIPT, ...args], {
      stdio: ['ignore', echo ? 'inherit' : 'pipe', 'pipe'],
      env: { ...process.env, ...USER_ENV },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new InfraScriptError(args, code, stderr.trim().split('\n').slice(-15).join('\n')));
    });
  });
}

/**
 * Brings the given services up with `infra.sh up` (reusing any already
 * running) and reads their endpoints from endpoints.env.
 *
 * @throws InfraUnavailableError naming the service when infra.sh fails or
 *   endpoints.env lacks one of them. The services are released again before
 *   it throws.
 */
export async function startLocal(services: readonly InfraService[]): Promise<LocalInfra> {
  const names = services.map((s) => SCRIPT_SERVICES[s]);
  const stop = async (): Promise<void> => {
    await runScript(['release', ...names], true);
  };
  try {
    await runScript(['up', ...names], true);
  } catch (error) {
    await stop().catch(() => undefined);
    const reason = error instanceof InfraScriptError ? error.stderrTail : String(error);
    // infra.sh ends with "infra: FAILED to start: <services> (logs under ...)".
    const failed = /FAILED to start: ([a-z ]+)/.exec(reason)?.[1]?.trim().split(' ') ?? [];
    const service = services.find((s) => failed.includes(SCRIPT_SERVICES[s])) ?? services[0] ?? 'kafka';
    throw new InfraUnavailableError(service, 'local', `infra.sh up failed:\n${reason}`, { cause: error });
  }
  const file = endpointsFile();
  const endpoints = endpointsFromVariables(parseEnvFile(await readFile(file, 'utf8')), 'local');
  const absent = services.filter((s) => endpoints[s] === undefined);
  if (absent.length > 0) {
    await stop().catch(() => undefined);
    throw new InfraUnavailableError(absent[0]!, 'local', `infra.sh up succeeded but ${file} lacks ${absent.join(', ')}`);
  }
  return { endpoints: pick(endpoints, services), stop };
}

/** The entries of `all` for the given services only. */
function pick(all: Partial<InfraEndpoints>, services: readonly InfraService[]): Partial<InfraEndpoints> {
  const out: Partial<InfraEndpoints> = {};
  if (services.includes('kafka')) out.kafka = all.kafka;
  if (services.includes('cassandra')) out.cassandra = all.cassandra;
  if (services.includes('elasticsearch')) out.elasticsearch = all.elasticsearch;
  if (services.includes('etcd')) out.etcd = all.etcd;
  if (services.includes('s3')) out.s3 = all.s3;
  return out;
}

/** The command-line tools the suite runs, and the variable that names each one's binary. */
export const INFRA_TOOLS = { grpcurl: 'GRPCURL_BIN', schemathesis: 'SCHEMATHESIS_BIN' } as const;

/** A tool of {@link INFRA_TOOLS}. */
export type InfraTool = keyof typeof INFRA_TOOLS;

/**
 * A tool's binary: its variable (GRPCURL_BIN, SCHEMATHESIS_BIN) when set,
 * else `infra.sh up <tool>` (installed into the cache once: grpcurl with
 * `go install`, schemathesis into a Python venv) and its path from
 * endpoints.env.
 *
 * @throws InfraUnavailableError when it cannot be installed.
 */
export async function resolveTool(tool: InfraTool, env: NodeJS.ProcessEnv = process.env): Promise<{ bin: string; source: 'environment' | 'local' }> {
  const variable = INFRA_TOOLS[tool];
  const given = env[variable]?.trim();
  if (given) return { bin: given, source: 'environment' };
  try {
    await runScript(['up', tool], true);
  } catch (error) {
    const reason = error instanceof InfraScriptError ? error.stderrTail : String(error);
    throw new InfraUnavailableError(tool, 'local', `infra.sh up ${tool} failed:\n${reason}`, { cause: error });
  }
  const bin = parseEnvFile(await readFile(endpointsFile(env), 'utf8'))[variable];
  if (!bin) throw new InfraUnavailableError(tool, 'local', `infra.sh up ${tool} succeeded but ${endpointsFile(env)} lacks ${variable}`);
  return { bin, source: 'local' };
}
