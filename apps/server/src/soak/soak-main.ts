/**
 * `npm run soak -- [--minutes 30] [--sessions 1000] [--interval-ms 200] [--json FILE]` (issue #12):
 * the all-in-one server (`npm start`'s process, SQLite in a temp dir, rate limits off) with one
 * guild of `sessions` distinct users, each connected by its own gateway session, and one message
 * posted every `interval-ms` by a user in turn for `minutes`. At the end it checks that every
 * accepted message is in history and reached every session, and reports the server's RSS: after a
 * warm-up (until the guild's replay log is full, at least the first fifth of the run), how much it
 * grew to the end. Prints a table, writes JSON
 * (default data/soak/soak-<time>.json), exits 1 on a lost message or a missed delivery.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { forEachLimited } from '@chat/testing';
import { ROOT } from '../fleet/fleet';
import { ProcessSet } from '../testing/processes';
import { callApi } from '../testing/rest-api';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    minutes: { type: 'string', default: '30' },
    sessions: { type: 'string', default: '1000' },
    'interval-ms': { type: 'string', default: '200' },
    json: { type: 'string', default: '' },
  },
});

const number = (name: 'minutes' | 'sessions' | 'interval-ms', min: number, max: number): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be ${min}..${max}, got ${JSON.stringify(values[name])}`);
  return value;
};

/** The server's resident set size, from /proc (Linux). */
function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

async function main(): Promise<number> {
  const minutes = number('minutes', 0.1, 24 * 60);
  const sessionCount = number('sessions', 1, 15_000);
  const intervalMs = number('interval-ms', 10, 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'chat-soak-'));
  const processes = new ProcessSet();
  const log = (line: string) => console.log(`soak: ${line}`);
  try {
    const server = await processes.startApp('server', { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(dir, 'chat.db'), CHAT_API_RATE_LIMITS: 'off', CHAT_LOG_LEVEL: 'warn' }, ['api', 'gateway'], { timeoutMs: 60_000 });
    const api = server.lines.api!;
    const gateway = server.lines.gateway!;
    const pid = server.child.pid!;

    log(`registering ${sessionCount} users...`);
    const users: { id: string; token: string }[] = new Array(sessionCount);
    await forEachLimited([...Array(sessionCount).keys()], 16, async (i) => {
      const registered = await callApi(api, 'POST', '/auth/register', undefined, { username: `soak${i}`, password: 'correct horse battery', email: `soak${i}@example.com` });
      if (registered.status !== 201) throw new Error(`register soak${i}: ${registered.status} ${JSON.stringify(registered.body)}`);
      users[i] = { id: registered.body.user_id, token: registered.body.token };
    });
    const owner = users[0]!;
    const guildId = (await callApi(api, 'POST', '/guilds', owner.token, { name: 'Soak' })).body.id as string;
    const channelId = (await callApi(api, 'GET', `/guilds/${guildId}/channels`, owner.token)).body[0].id as string;
    const code = (await callApi(api, 'POST', `/channels/${channelId}/invites`, owner.token, { max_uses: 0 })).body.code as string;
    await forEachLimited(users.slice(1), 16, async (user) => {
      const joined = await callApi(api, 'POST', `/invites/${code}`, user.token, {});
      if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
    });

    log(`connecting ${sessionCount} sessions...`);
    const received: Set<string>[] = users.map(() => new Set());
    const closed: number[] = [];
    await forEachLimited(users, 32, async (user, i) => {
      const ws = new WebSocket(`${gateway}/?v=10&encoding=json`);
      processes.sockets.push(ws);
      await new Promise<void>((ready, fail) => {
        ws.on('message', (data: Buffer) => {
          const frame = JSON.parse(data.toString('utf8')) as { op: number; t: string | null; d: any };
          if (frame.op === 10) {
            setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"op":1,"d":null}'), frame.d.heartbeat_interval as number).unref();
            ws.send(JSON.stringify({ op: 2, d: { token: user.token, intents: 1 | (1 << 9) | (1 << 15), properties: { os: 'linux', browser: 'soak', device: 'soak' } } }));
          } else if (frame.t === 'READY') {
            // As Discord's client does: subscribe to the guild, so the session is active in a large guild (not passive).
            ws.send(JSON.stringify({ op: 37, d: { subscriptions: { [guildId]: { typing: true, activities: true } } } }));
          } else if (frame.t === 'GUILD_CREATE' && frame.d.id === guildId) {
            // Only from its GUILD_CREATE on does a session get the guild's messages (as on Discord): a message posted
            // between READY and GUILD_CREATE is in the snapshot's past. Waiting for READY alone made small runs fail.
            ready();
          } else if (frame.t === 'MESSAGE_CREATE') received[i]!.add(frame.d.id as string);
        });
        ws.on('close', () => closed.push(i));
        ws.on('error', fail);
      });
    });

    // Subscriptions (op 37) take effect asynchronously: post one message and wait until every session has it before measuring.
    const sentinel = (await callApi(api, 'POST', `/channels/${channelId}/messages`, owner.token, { content: 'soak starts' })).body.id as string;
    for (let waited = 0; received.some((r) => !r.has(sentinel)) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const notActive = received.filter((r) => !r.has(sentinel)).length;
    if (notActive > 0) throw new Error(`${notActive} sessions never received the first message: not subscribed`);

    const durationMs = minutes * 60_000;
    // Warm-up lasts until the largest bounded buffer is full: the guild's replay log keeps the last
    // CHAT_GUILD_REPLAY_ITEMS (4096) stream items, one per message, so it fills after that many
    // intervals (13.7 min at 200 ms); memory that grows until then is a cache filling, not a leak.
    // At least the first fifth of the run, and 10% past the fill.
    const replayItems = Number(process.env.CHAT_GUILD_REPLAY_ITEMS ?? 4096);
    const fillMs = replayItems * intervalMs * 1.1;
    const warmupMs = fillMs < durationMs * 0.8 ? Math.max(durationMs / 5, fillMs) : durationMs / 5;
    if (warmupMs < fillMs) log(`note: the replay log fills after ${((replayItems * intervalMs) / 60_000).toFixed(1)} min, later than this run's warm-up: the RSS growth below includes it filling`);
    log(`posting one message every ${intervalMs} ms for ${minutes} min (RSS warm-up: the first ${(warmupMs / 60_000).toFixed(1)} min, until the guild's replay log of ${replayItems} items is full)`);
    const accepted: string[] = [];
    const failed: Record<string, number> = {};
    const rss: { at: number; bytes: number }[] = [];
    const started = Date.now();
    let turn = 0;
    while (Date.now() - started < durationMs) {
      const tick = Date.now();
      const user = users[turn++ % users.length]!;
      const answer = await callApi(api, 'POST', `/channels/${channelId}/messages`, user.token, { content: `soak ${turn}` }).catch(() => ({ status: 0, body: null }));
      if (answer.status === 200) accepted.push(answer.body.id as string);
      else failed[String(answer.status)] = (failed[String(answer.status)] ?? 0) + 1;
      if (rss.length === 0 || tick - started - rss.at(-1)!.at >= 10_000) {
        rss.push({ at: tick - started, bytes: rssBytes(pid) });
        if (rss.length % 6 === 1) log(`${((tick - started) / 60_000).toFixed(1)} min: ${accepted.length} accepted, RSS ${(rss.at(-1)!.bytes / 2 ** 20).toFixed(1)} MiB`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - tick))));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    rss.push({ at: Date.now() - started, bytes: rssBytes(pid) });

    const stored = new Set<string>();
    for (let before: string | undefined; ; ) {
      const page = (await callApi(api, 'GET', `/channels/${channelId}/messages?limit=100${before ? `&before=${before}` : ''}`, owner.token)).body as { id: string }[];
      for (const m of page) stored.add(m.id);
      if (page.length < 100) break;
      before = page.at(-1)!.id;
    }
    const missing = accepted.filter((id) => !stored.has(id)).length;
    const stayed = received.map((_, i) => i).filter((i) => !closed.includes(i));
    const missedDeliveries = stayed.reduce((sum, i) => sum + accepted.filter((id) => !received[i]!.has(id)).length, 0);
    const afterWarmup = rss.filter((s) => s.at >= warmupMs);
    const base = afterWarmup[0]?.bytes ?? rss[0]!.bytes;
    const end = rss.at(-1)!.bytes;
    const growth = (end - base) / base;
    const report = {
      at: new Date().toISOString(),
      minutes,
      sessions: sessionCount,
      intervalMs,
      accepted: accepted.length,
      failed,
      missingFromHistory: missing,
      sessionsClosed: closed.length,
      missedDeliveries,
      rssAfterWarmupMiB: base / 2 ** 20,
      rssEndMiB: end / 2 ** 20,
      rssGrowthAfterWarmup: growth,
      rss,
    };
    console.log('\n| sessions | minutes | accepted | failed | missing | sessions closed | missed deliveries | RSS after warm-up | RSS at end | growth |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    console.log(
      `| ${sessionCount} | ${minutes} | ${accepted.length} | ${Object.entries(failed).map(([s, n]) => `${s}:${n}`).join(' ') || 0} | ${missing} | ${closed.length} | ${missedDeliveries} | ${report.rssAfterWarmupMiB.toFixed(1)} MiB | ${report.rssEndMiB.toFixed(1)} MiB | ${(growth * 100).toFixed(1)}% |`,
    );
    const file = values.json ? resolve(values.json) : join(ROOT, 'data/soak', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`figures in ${file}`);
    return missing > 0 || missedDeliveries > 0 ? 1 : 0;
  } finally {
    processes.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
