/**
 * The server a fuzz run attacks: apps/server as a child process (so a death
 * is seen as an exit, not hidden in the test runner) on SQLite in memory,
 * with accounts and a guild to aim at, and every log line it prints kept so
 * a run can check that no client byte made it log an error.
 */
import { callApi } from './rest-api';
import { ProcessSet } from './processes';

/** A running fuzz target. */
export interface FuzzTarget {
  api: string;
  gateway: string;
  tokens: string[];
  knownIds: string[];
  /** The seeded objects by kind (for tools that fill path parameters). */
  ids: { guildId: string; channelId: string; messageId: string; roleId: string; applicationId: string; inviteCode: string; userIds: string[] };
  /** Lines the server printed at level error (50) or fatal (60) since it started. */
  errorLines(): string[];
  /** True while the process runs. */
  alive(): boolean;
  stop(): void;
}

/** Starts the server (with `env` over its defaults) and seeds two users (one owning a guild with a channel) and a bot in that guild. */
export async function startFuzzTarget(env: Record<string, string> = {}): Promise<FuzzTarget> {
  const processes = new ProcessSet();
  const started = await processes.startApp('server', { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: ':memory:', CHAT_LOG_LEVEL: 'warn', ...env }, ['api', 'gateway'], { timeoutMs: 60_000 });
  const errors: string[] = [];
  let pending = '';
  const collect = (chunk: Buffer): void => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (/"level":(50|60)/.test(line)) errors.push(line);
  };
  started.child.stdout!.on('data', collect);
  started.child.stderr!.on('data', collect);
  let exited = false;
  void started.exited.then(() => (exited = true));
  const api = started.lines.api!;
  const register = async (username: string): Promise<{ id: string; token: string }> => {
    const response = await callApi(api, 'POST', '/auth/register', undefined, { username, password: 'correct horse battery', email: `${username}@example.com` });
    if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
    return { id: response.body.user_id, token: response.body.token };
  };
  const owner = await register('owner');
  const other = await register('other');
  const guildId = (await callApi(api, 'POST', '/guilds', owner.token, { name: 'Target' })).body.id as string;
  const channelId = (await callApi(api, 'GET', `/guilds/${guildId}/channels`, owner.token)).body[0].id as string;
  const app = await callApi(api, 'POST', '/applications', owner.token, { name: 'Fuzzbot' });
  const bot = await callApi(api, 'POST', `/applications/${app.body.id as string}/bot`, owner.token, {});
  await callApi(api, 'POST', `/oauth2/authorize?client_id=${app.body.id as string}&scope=bot`, owner.token, { guild_id: guildId, permissions: '8', authorize: true });
  const messageId = (await callApi(api, 'POST', `/channels/${channelId}/messages`, owner.token, { content: 'hello' })).body.id as string;
  const inviteCode = (await callApi(api, 'POST', `/channels/${channelId}/invites`, owner.token, {})).body.code as string;
  const roleId = (await callApi(api, 'POST', `/guilds/${guildId}/roles`, owner.token, { name: 'fuzzed' })).body.id as string;
  return {
    api,
    gateway: started.lines.gateway!,
    tokens: [owner.token, other.token, `Bot ${bot.body.token as string}`],
    knownIds: [guildId, channelId, owner.id, other.id, bot.body.user.id as string],
    ids: { guildId, channelId, messageId, roleId, applicationId: app.body.id as string, inviteCode, userIds: [owner.id, other.id, bot.body.user.id as string] },
    errorLines: () => [...errors],
    alive: () => !exited && started.child.exitCode === null,
    stop: () => processes.cleanup(),
  };
}
