/**
 * The services as separate processes on one machine, sharing one SQLite file
 * (WAL): one data service, two guild nodes, two gateway nodes. A guild's four
 * members connect two to each gateway; every message posted over REST, to
 * either gateway, reaches all four. Then the guild node owning the guild is
 * SIGKILLed while messages are being posted: the surviving guild node and
 * both gateways stop seeing it answer health checks and drop it from the
 * guild ring (CHAT_GUILD_RING_MEMBERSHIP=probe, the default), the guild
 * actor reactivates on the survivor from the store, every session gets
 * GUILD_DELETE {unavailable} and then GUILD_CREATE again, messages posted
 * from then on reach all four sessions live, and every message the REST API
 * accepted (2xx), before, during and after the failover, is in history
 * exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RingView, StaticMembership } from '@chat/ring';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ProcessSet, type Started } from './testing/processes';
import { callApi } from './testing/rest-api';

const processes = new ProcessSet();
const dir = mkdtempSync(join(tmpdir(), 'chat-cluster-'));

afterAll(() => {
  processes.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts apps/<app> on the shared SQLite file. */
function startApp(app: string, env: Record<string, string>, want: string[]): Promise<Started> {
  return processes.startApp(app, { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(dir, 'chat.db'), ...env }, want);
}

describe('two gateways, two guild nodes and a data service as separate processes on one SQLite file', () => {
  it('delivers every message to members on both gateways, and loses no accepted message when the owning guild node is killed', async () => {
    const startedAt = Date.now();
    const dataService = await startApp('data-service', { CHAT_NODE_ID: 'data-0', CHAT_SNOWFLAKE_WORKER_ID: '1' }, ['grpc']);
    const guildPorts = [await freePort(), await freePort()];
    const guildNodes = `guild-a=127.0.0.1:${guildPorts[0]},guild-b=127.0.0.1:${guildPorts[1]}`;
    const guildA = await startApp('guild', { CHAT_GRPC_PORT: String(guildPorts[0]), CHAT_GUILD_NODE_ID: 'guild-a', CHAT_GUILD_NODES: guildNodes, CHAT_GUILD_FLUSH_MS: '2' }, ['grpc']);
    const guildB = await startApp('guild', { CHAT_GRPC_PORT: String(guildPorts[1]), CHAT_GUILD_NODE_ID: 'guild-b', CHAT_GUILD_NODES: guildNodes, CHAT_GUILD_FLUSH_MS: '2' }, ['grpc']);
    // Every process that issues ids has its own snowflake worker id, as a deployment must.
    // Each gateway node also runs the API (CHAT_TARGET=gateway,api), as a small deployment may.
    const gatewayEnv = (id: string, workerId: number) => ({
      CHAT_TARGET: 'gateway,api',
      CHAT_SNOWFLAKE_WORKER_ID: String(workerId),
      CHAT_GATEWAY_NODE_ID: id,
      CHAT_GATEWAY_GUILD_NODES: guildNodes,
      CHAT_GATEWAY_GUILD_TIMEOUT_MS: '2000',
      CHAT_API_GUILD_NODES: guildNodes,
      CHAT_API_DATA_NODES: `data-0=${dataService.lines.grpc}`,
      CHAT_API_GUILD_TIMEOUT_MS: '2000',
    });
    const gatewayA = await startApp('server', gatewayEnv('gateway-a', 2), ['api', 'gateway']);
    const gatewayB = await startApp('server', gatewayEnv('gateway-b', 3), ['api', 'gateway']);
    const gateways = [gatewayA, gatewayB];

    const call = (gateway: Started, method: string, path: string, token: string | undefined, body?: unknown) => callApi(gateway.lines.api!, method, path, token, body);

    // Four users, registered two on each gateway (one shared store); alice creates the guild, the others join by invite.
    const names = ['alice', 'bob', 'carol', 'dave'];
    const users: { name: string; token: string; id: string; gateway: Started }[] = [];
    for (const [index, name] of names.entries()) {
      const gateway = gateways[index < 2 ? 0 : 1]!;
      const registered = await call(gateway, 'POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.com` });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      users.push({ name, token: registered.body.token as string, id: registered.body.user_id as string, gateway });
    }
    const alice = users[0]!;
    const guild = await call(gatewayA, 'POST', '/guilds', alice.token, { name: 'Cluster' });
    expect(guild.status).toBe(201);
    const guildId = guild.body.id as string;
    const channelId = (await call(gatewayA, 'GET', `/guilds/${guildId}/channels`, alice.token)).body[0].id as string;
    const invite = await call(gatewayA, 'POST', `/channels/${channelId}/invites`, alice.token, {});
    expect(invite.status).toBe(200);
    for (const user of users.slice(1)) {
      const joined = await call(user.gateway, 'POST', `/invites/${invite.body.code}`, user.token, {});
      expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    }

    const ring = new RingView(new StaticMembership([{ id: 'guild-a', address: 'a' }, { id: 'guild-b', address: 'b' }]));
    const ownerId = ring.owner(guildId);
    ring.close();
    const [owner, survivor] = ownerId === 'guild-a' ? [guildA, guildB] : [guildB, guildA];

    // Members connect: alice and bob to gateway A, carol and dave to gateway B.
    const clients = await Promise.all(users.map((user) => processes.connectClient(user.gateway.lines.gateway!, user.token)));
    for (const client of clients) {
      await client.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId && x.d.unavailable !== true), 'GUILD_CREATE');
    }

    // Phase 1: posts through both gateways, by every member, all reach all four sessions.
    const accepted: string[] = [];
    const post = async (index: number, content: string): Promise<{ status: number; id?: string }> => {
      const user = users[index % users.length]!;
      const gateway = gateways[Math.floor(index / users.length) % 2]!;
      try {
        const answer = await call(gateway, 'POST', `/channels/${channelId}/messages`, user.token, { content });
        if (answer.status >= 200 && answer.status < 300) {
          accepted.push(answer.body.id as string);
          return { status: answer.status, id: answer.body.id as string };
        }
        return { status: answer.status };
      } catch {
        return { status: 0 };
      }
    };
    const before: string[] = [];
    for (let i = 0; i < 16; i++) {
      const result = await post(i, `before ${i}`);
      expect(result.status).toBe(200);
      before.push(result.id!);
    }
    for (const client of clients) {
      await client.waitFor((f) => before.every((id) => f.some((x) => x.t === 'MESSAGE_CREATE' && x.d.id === id)), 'every message posted before the kill');
    }
    for (const client of clients) {
      // Each message exactly once per session.
      const created = client.frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id as string);
      expect(created.sort()).toEqual([...before].sort());
    }

    // Phase 2: keep posting while the owning guild node is SIGKILLed.
    let stop = false;
    const statuses: number[] = [];
    const poster = (async () => {
      for (let i = 16; !stop; i++) {
        statuses.push((await post(i, `during ${i}`)).status);
        // Paced so no (user, gateway) pair passes messages.create's 5 per 5 s.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 600));
    owner.child.kill('SIGKILL');
    await owner.exited;
    // Sessions on both gateways learn the guild is unavailable.
    for (const client of clients) {
      await client.waitFor((f) => f.some((x) => x.t === 'GUILD_DELETE' && x.d.id === guildId && x.d.unavailable === true), 'GUILD_DELETE unavailable');
    }
    const afterKill = accepted.length;
    // The guild moves to the survivor: every session gets it back (GUILD_CREATE after its GUILD_DELETE).
    const killedAt = Date.now();
    for (const client of clients) {
      await client.waitFor(
        (f) => {
          const lost = f.findIndex((x) => x.t === 'GUILD_DELETE' && x.d.id === guildId && x.d.unavailable === true);
          return lost >= 0 && f.slice(lost + 1).some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId && x.d.unavailable !== true);
        },
        'GUILD_CREATE from the surviving guild node',
        30_000,
      );
    }
    const failoverMs = Date.now() - killedAt;
    stop = true;
    await poster;
    expect(accepted.length).toBeGreaterThan(afterKill);
    expect(survivor.child.exitCode).toBeNull();

    // Phase 3: after the failover, posts through both gateways reach all four sessions live again.
    const after: string[] = [];
    for (let i = 0; i < 8; i++) {
      let result = await post(1000 + i, `after ${i}`);
      // The posts during the failover may have used up a user's 5 per 5 s: wait it out (429 is not a loss).
      for (let tries = 0; result.status === 429 && tries < 10; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        result = await post(1000 + i, `after ${i}`);
      }
      expect(result.status).toBe(200);
      after.push(result.id!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const client of clients) {
      await client.waitFor((f) => after.every((id) => f.some((x) => x.t === 'MESSAGE_CREATE' && x.d.id === id)), 'every message posted after the failover', 15_000);
      const created = client.frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id as string);
      expect(new Set(created).size).toBe(created.length);
    }

    // Phase 4: the killed node comes back. The ring takes it in again and the survivor hands the guild back to it:
    // the sessions keep the guild (no GUILD_DELETE) and miss nothing posted while it moves.
    const guildDeletes = (client: (typeof clients)[number]) => client.frames.filter((x) => x.t === 'GUILD_DELETE' && x.d.id === guildId).length;
    const deletesBefore = clients.map(guildDeletes);
    const ownerPort = ownerId === 'guild-a' ? guildPorts[0] : guildPorts[1];
    const opsPort = await freePort();
    const returned = await startApp('guild', { CHAT_GRPC_PORT: String(ownerPort), CHAT_OPS_PORT: String(opsPort), CHAT_GUILD_NODE_ID: ownerId, CHAT_GUILD_NODES: guildNodes, CHAT_GUILD_FLUSH_MS: '2' }, ['grpc']);
    const back: string[] = [];
    let movedBackAt: number | undefined;
    const returnedAt = Date.now();
    // Post until the guild's actor has been live on the returned node for 2 s (it activates when the gateways re-attach there).
    for (let i = 0; movedBackAt === undefined || Date.now() - movedBackAt < 2_000; i++) {
      expect(Date.now() - returnedAt, 'the guild moved back to the returned node').toBeLessThan(20_000);
      const result = await post(2000 + i, `back ${i}`);
      expect(result.status).toBe(200);
      back.push(result.id!);
      if (movedBackAt === undefined) {
        const metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text(), () => '');
        if (/^chat_actors\{[^}]*kind="guild"[^}]*\} [1-9]/m.test(metrics)) movedBackAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const client of clients) {
      await client.waitFor((f) => back.every((id) => f.some((x) => x.t === 'MESSAGE_CREATE' && x.d.id === id)), 'every message posted while the guild moved back', 15_000);
      const created = client.frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id as string);
      expect(new Set(created).size).toBe(created.length);
    }
    expect(clients.map(guildDeletes), 'GUILD_DELETE while the guild moved back').toEqual(deletesBefore);
    expect(returned.child.exitCode).toBeNull();

    // Every message the REST API accepted is in history, exactly once, read through either gateway.
    for (const gateway of gateways) {
      const history: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await call(gateway, 'GET', `/channels/${channelId}/messages?limit=100${cursor ? `&before=${cursor}` : ''}`, alice.token);
        expect(page.status).toBe(200);
        const ids = (page.body as { id: string }[]).map((m) => m.id);
        history.push(...ids);
        if (ids.length < 100) break;
        cursor = ids[ids.length - 1];
      }
      expect(new Set(history).size).toBe(history.length);
      expect(history.filter((id) => accepted.includes(id)).sort()).toEqual([...accepted].sort());
    }
    expect(accepted.length).toBe(statuses.filter((s) => s >= 200 && s < 300).length + before.length + after.length + back.length);
    console.log(
      `cluster: owner ${ownerId} killed; guild back on the survivor in ${failoverMs} ms; ${before.length} before, ${accepted.length - before.length - after.length - back.length} accepted during the failover of ${statuses.length} posts (${JSON.stringify(
        statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {}),
      )}), ${after.length} after, ${back.length} while it moved back (live there ${movedBackAt! - returnedAt} ms after it started); ${Date.now() - startedAt} ms`,
    );
  }, 180_000);
});
