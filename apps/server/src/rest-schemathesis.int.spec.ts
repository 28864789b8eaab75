/**
 * Schemathesis against every REST operation the API implements (issue #12):
 * requests generated from Discord's published OpenAPI description
 * (third_party/discord-api-spec, MIT), valid and invalid, sent to apps/server
 * in a child process with rate limits off so the requests reach the
 * handlers. Path parameters come from the seeded guild, channel, message,
 * role, application, invite and users most of the time and are generated
 * the rest. Twice: as the guild's owner, then as a user in no guild. It
 * fails on any 5xx, any request that got no answer (schemathesis reports a
 * network error), any error-level log line of the server, or a server that
 * died.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { restRouteTable } from '@chat/api';
import { infra } from '@chat/testing';
import { startFuzzTarget, type FuzzTarget } from './testing/fuzz-target';
import { DISCORD_OPENAPI_PATH, implementedOperations } from './testing/spec-operations';

const EXAMPLES = Number(process.env.CHAT_SCHEMATHESIS_EXAMPLES ?? 15);
/** One run (one token) normally takes 4-5 minutes here; on a loaded machine it has taken 8. */
const RUN_TIMEOUT_MS = 660_000;

let target: FuzzTarget | undefined;
const dir = mkdtempSync(join(tmpdir(), 'chat-schemathesis-'));
afterAll(() => {
  target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** schemathesis.toml: each path parameter drawn from the seeded objects 80% of the time. */
function configFor(ids: FuzzTarget['ids']): string {
  const dictionaries: Record<string, string[]> = {
    guilds: [ids.guildId],
    channels: [ids.channelId],
    messages: [ids.messageId],
    users: ids.userIds,
    roles: [ids.roleId, ids.guildId],
    applications: [ids.applicationId],
    invites: [ids.inviteCode],
  };
  const parameters: Record<string, string> = {
    guild_id: 'guilds',
    channel_id: 'channels',
    message_id: 'messages',
    user_id: 'users',
    overwrite_id: 'users',
    role_id: 'roles',
    application_id: 'applications',
    code: 'invites',
  };
  return [
    ...Object.entries(dictionaries).map(([name, values]) => `[dictionaries.${name}]\nvalues = ${JSON.stringify(values)}\n`),
    '[parameters]',
    ...Object.entries(parameters).map(([name, dictionary]) => `"path.${name}" = { dictionary = "${dictionary}", probability = 0.8 }`),
    '',
  ].join('\n');
}

/** One schemathesis run; resolves with its exit status, output and JSON report. */
function runSchemathesis(api: string, token: string, operationIds: readonly string[], name: string): { status: number | null; output: string; report: any } {
  const reportDir = join(dir, name);
  const args = [
    '--config-file', join(dir, 'schemathesis.toml'),
    'run', DISCORD_OPENAPI_PATH,
    '--url', `${api}/v10`,
    '-H', `Authorization: ${token}`,
    '--checks', 'not_a_server_error',
    '--phases', 'coverage,fuzzing',
    '-n', String(EXAMPLES),
    '--seed', '1',
    '--request-timeout', '10',
    '--suppress-health-check', 'all',
    '--no-color',
    '--generation-database', 'none',
    '--report', 'json', '--report-dir', reportDir,
    ...operationIds.flatMap((id) => ['--include-operation-id', id]),
  ];
  const result = spawnSync(infra().schemathesis.bin, args, { cwd: dir, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout}\n${result.stderr}${result.error ? `\n${result.error.message} (a run is stopped after ${RUN_TIMEOUT_MS / 1000} s)` : ''}`;
  const file = readdirSync(reportDir).find((f) => f.endsWith('.json'));
  let report: unknown;
  try {
    report = file ? JSON.parse(readFileSync(join(reportDir, file), 'utf8')) : undefined;
  } catch {
    // A run killed mid-write leaves half a report; the status and output say why.
    report = undefined;
  }
  return { status: result.status, output, report };
}

describe('the REST API against Discord\'s OpenAPI description (schemathesis)', () => {
  it('answers every generated request to every implemented operation without a 5xx or a dropped connection', async () => {
    const { implemented } = implementedOperations(restRouteTable());
    expect(implemented.length).toBeGreaterThan(0);
    target = await startFuzzTarget({ CHAT_API_RATE_LIMITS: 'off' });
    writeFileSync(join(dir, 'schemathesis.toml'), configFor(target.ids));
    const operationIds = implemented.map((operation) => operation.operationId);

    for (const [name, token] of [['owner', target.tokens[0]!], ['outsider', target.tokens[1]!]] as const) {
      const run = runSchemathesis(target.api, token, operationIds, name);
      const summary = run.output.slice(run.output.lastIndexOf('SUMMARY'));
      console.log(`schemathesis as ${name}: ${/(\d+) generated[^\n]*/.exec(summary)?.[0] ?? 'no summary'}`);
      expect({ run: name, status: run.status, tail: run.status === 0 ? '' : run.output.slice(-4000) }).toEqual({ run: name, status: 0, tail: '' });
      expect(run.report).toBeDefined();
      expect(Number(/Tested: (\d+)/.exec(summary)?.[1])).toBe(operationIds.length);
      expect(target.alive()).toBe(true);
    }
    expect(target.errorLines()).toEqual([]);
  }, 2 * RUN_TIMEOUT_MS + 120_000);
});
