/**
 * HTTP interactions, checked with the libraries bots use to verify Discord's
 * signatures: discord-interactions' verifyKey and tweetnacl. The bot is a
 * real HTTP server that refuses a bad signature with 401, as such bots do.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyKey } from 'discord-interactions';
import nacl from 'tweetnacl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botInGuild, guildFixture, type BotFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

interface Received {
  body: any;
  verifiedByDiscordInteractions: boolean;
  verifiedByTweetnacl: boolean;
}

/** A bot's interactions endpoint: verifies, answers PING with PONG and commands with `reply`. */
async function startEndpoint(publicKey: () => string, options: { checkSignatures: boolean; reply: (body: any) => unknown }): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const signature = String(req.headers['x-signature-ed25519'] ?? '');
        const timestamp = String(req.headers['x-signature-timestamp'] ?? '');
        const byLibrary = await verifyKey(raw, signature, timestamp, publicKey());
        const byNacl = /^[0-9a-f]{128}$/.test(signature) && nacl.sign.detached.verify(Buffer.concat([Buffer.from(timestamp), raw]), Buffer.from(signature, 'hex'), Buffer.from(publicKey(), 'hex'));
        const body = JSON.parse(raw.toString('utf8'));
        received.push({ body, verifiedByDiscordInteractions: byLibrary, verifiedByTweetnacl: byNacl });
        if (options.checkSignatures && !byLibrary) {
          res.writeHead(401).end('invalid request signature');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body.type === 1 ? { type: 1 } : options.reply(body)));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/interactions`, received, server };
}

describe('HTTP interactions', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  let app: BotFixture;
  let publicKey = '';
  const servers: Server[] = [];
  const asBot = (body?: unknown) => ({ token: app.bot.token, bot: true, ...(body === undefined ? {} : { body }) });

  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
    app = await botInGuild(api, fx);
    publicKey = (await api.call('GET', '/applications/@me', asBot())).body.verify_key;
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
    await api.close();
  });

  it('verifies the endpoint with a signed PING and a forged one, then POSTs signed interactions whose answer is the reply', async () => {
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    const endpoint = await startEndpoint(() => publicKey, { checkSignatures: true, reply: (body) => ({ type: 4, data: { content: `pong from HTTP to ${body.member.user.username as string}` } }) });
    servers.push(endpoint.server);
    const set = await api.call('PATCH', '/applications/@me', asBot({ interactions_endpoint_url: endpoint.url }));
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.interactions_endpoint_url).toBe(endpoint.url);
    expect(endpoint.received.map((r) => [r.body.type, r.verifiedByDiscordInteractions, r.verifiedByTweetnacl])).toEqual([
      [1, true, true],
      [1, false, false],
    ]);

    const command = (await api.call('POST', `/applications/${app.appId}/guilds/${fx.guildId}/commands`, asBot({ name: 'ping', description: 'pong' }))).body;
    const invoked = await api.call('POST', '/interactions', { token: fx.member.token, body: { type: 2, application_id: app.appId, channel_id: fx.channelId, nonce: 'h1', data: { id: command.id, name: 'ping', type: 1 } } });
    expect(invoked.status).toBe(204);
    await expect.poll(() => api.ofType('INTERACTION_SUCCESS').length, { timeout: 3000 }).toBe(1);
    const delivered = endpoint.received[2]!;
    expect(delivered.verifiedByDiscordInteractions).toBe(true);
    expect(delivered.verifiedByTweetnacl).toBe(true);
    expect(delivered.body).toMatchObject({ type: 2, data: { name: 'ping' }, guild_id: fx.guildId });
    // Nothing went over the gateway to the bot: its interactions go to the endpoint.
    expect(api.ofType('INTERACTION_CREATE').filter((d) => 'userIds' in d.target && d.target.userIds.includes(app.bot.id))).toEqual([]);
    const history = await api.call('GET', `/channels/${fx.channelId}/messages?limit=1`, { token: fx.member.token });
    expect(history.body[0]).toMatchObject({ content: 'pong from HTTP to member', author: { id: app.bot.id }, interaction_metadata: { id: delivered.body.id } });
  });

  it('refuses an endpoint that accepts forged signatures, or does not answer PONG, and keeps the gateway', async () => {
    const careless = await startEndpoint(() => publicKey, { checkSignatures: false, reply: () => ({ type: 4, data: { content: 'x' } }) });
    servers.push(careless.server);
    const refused = await api.call('PATCH', '/applications/@me', asBot({ interactions_endpoint_url: careless.url }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors.interactions_endpoint_url._errors[0].message).toContain('wrong signature');
    const nowhere = await api.call('PATCH', '/applications/@me', asBot({ interactions_endpoint_url: 'http://127.0.0.1:9/interactions' }));
    expect(nowhere.body.errors.interactions_endpoint_url._errors[0].code).toBe('APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID');
    expect((await api.call('GET', '/applications/@me', asBot())).body.interactions_endpoint_url).toBeNull();
    const bad = await api.call('PATCH', '/applications/@me', asBot({ interactions_endpoint_url: 'ftp://example.com/x' }));
    expect(bad.body.code).toBe(50035);
  });
});
