/**
 * Issue 15's "Done when" with an unmodified discord.js v14 bot: a file sent
 * with `channel.send({ files })` arrives on the gateway with a URL that
 * serves the same bytes (and a tampered one is refused); `message.react()`,
 * `reactions.cache`, removing reactions, `pin`/`unpin`/`fetchPins`, and the
 * events arriving.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentBuilder, Client, Events, GatewayIntentBits, type Guild, type Message, type MessageReaction, type PartialMessageReaction, type TextChannel, type User, type PartialUser } from 'discord.js';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

let server: RunningServer | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  await server?.shutdown('test');
  [server, client] = [undefined, undefined];
});

type ReactionEvent = { emoji: string; userId: string };
const next = <T>(register: (resolve: (value: T) => void) => void) => new Promise<T>(register);

/** A server, a guild of alice's, and a bot in it with `permissions`, logged in with `intents`. */
async function botInGuild(permissions: bigint, intents: GatewayIntentBits[]) {
  server = await startInProcessServer();
  const api = server.endpoints.api!;
  const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(api, method, path, token, body);
  const alice = (await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' })).body;
  const guildId = (await call('POST', '/guilds', alice.token, { name: 'Home' })).body.id as string;
  const channelId = (await call('GET', `/guilds/${guildId}/channels`, alice.token)).body[0].id as string;
  const appId = (await call('POST', '/applications', alice.token, { name: 'Uploader' })).body.id as string;
  const botToken = (await call('POST', `/applications/${appId}/bot`, alice.token)).body.token as string;
  expect((await call('POST', `/oauth2/authorize?client_id=${appId}&scope=bot`, alice.token, { guild_id: guildId, permissions: String(permissions), authorize: true })).status).toBe(200);
  const bot = new Client({ intents, rest: { api } });
  client = bot;
  const available = next<Guild>((resolve) => bot.on(Events.GuildAvailable, (g) => g.id === guildId && resolve(g)));
  await bot.login(botToken);
  return { bot, channel: (await available).channels.cache.get(channelId) as TextChannel, alice, call };
}

describe('files through discord.js', () => {
  it('channel.send({ files }): the message arrives with an attachment whose URL serves the same bytes', async () => {
    // VIEW_CHANNEL, SEND_MESSAGES, ATTACH_FILES, READ_MESSAGE_HISTORY
    const { bot, channel } = await botInGuild((1n << 10n) | (1n << 11n) | (1n << 15n) | (1n << 16n), [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]);
    const bytes = randomBytes(300 * 1024);
    const arrived = next<Message>((resolve) => bot.on(Events.MessageCreate, (m) => m.attachments.size > 0 && resolve(m)));
    const sent = await channel.send({ content: 'the build', files: [new AttachmentBuilder(bytes, { name: 'build.bin', description: 'artifact' }), { attachment: Buffer.from('log line\n'), name: 'build.log' }] });
    const message = await arrived;
    expect(message.id).toBe(sent.id);
    const [binary, log] = [...message.attachments.values()];
    expect(binary).toMatchObject({ name: 'build.bin', description: 'artifact', size: bytes.length, contentType: 'application/octet-stream' });
    expect(log).toMatchObject({ name: 'build.log', contentType: 'text/plain; charset=utf-8' });
    const served = await fetch(binary!.url);
    expect(served.status).toBe(200);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(Buffer.from(await served.arrayBuffer()))).toBe(sha(bytes));
    expect((await fetch(binary!.url.replace(/hm=[0-9a-f]{4}/, 'hm=0000'))).status).toBe(404);
    await sent.delete();
  });
});

describe('polls through discord.js', () => {
  it('sends a poll, sees a vote arrive, lists the voters and ends it', async () => {
    // VIEW_CHANNEL, SEND_MESSAGES, READ_MESSAGE_HISTORY
    const { bot, channel, alice, call } = await botInGuild((1n << 10n) | (1n << 11n) | (1n << 16n), [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessagePolls]);
    const message = await channel.send({ poll: { question: { text: 'Deploy today?' }, answers: [{ text: 'Yes', emoji: '🚀' }, { text: 'No' }], duration: 1, allowMultiselect: false } });
    expect(message.poll?.question.text).toBe('Deploy today?');
    expect(message.poll?.answers.map((a) => [a.id, a.text])).toEqual([[1, 'Yes'], [2, 'No']]);
    const voted = next<[number, string]>((resolve) => bot.on(Events.MessagePollVoteAdd, (answer, userId) => resolve([answer.id, userId])));
    expect((await call('PUT', `/channels/${channel.id}/polls/${message.id}/answers/1/@me`, alice.token)).status).toBe(204);
    expect(await voted).toEqual([1, alice.user_id]);
    expect(message.poll?.answers.get(1)?.voteCount).toBe(1);
    const voters = await message.poll!.answers.get(1)!.voters.fetch();
    expect([...voters.keys()]).toEqual([alice.user_id]);
    const ended = await message.poll!.end();
    expect(ended.poll?.resultsFinalized).toBe(true);
    expect((await call('PUT', `/channels/${channel.id}/polls/${message.id}/answers/2/@me`, alice.token)).body.code).toBe(520001);
  });
});

describe('reactions and pins through discord.js', () => {
  it('reacts, reads reactions.cache, removes reactions, pins, fetches pins and unpins', async () => {
    // VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, READ_MESSAGE_HISTORY, ADD_REACTIONS
    const { bot, channel, alice, call } = await botInGuild((1n << 10n) | (1n << 11n) | (1n << 13n) | (1n << 16n) | (1n << 6n), [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions]);
    const channelId = channel.id;
    const added: ReactionEvent[] = [];
    const removed: ReactionEvent[] = [];
    const record = (into: ReactionEvent[]) => (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => into.push({ emoji: reaction.emoji.name ?? '', userId: user.id });
    bot.on(Events.MessageReactionAdd, record(added));
    bot.on(Events.MessageReactionRemove, record(removed));
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(check()).toBe(true);
    };

    const message = await channel.send('react to this');
    await message.react('👍');
    await until(() => added.length === 1);
    expect(added[0]).toEqual({ emoji: '👍', userId: bot.user!.id });
    expect(message.reactions.cache.get('👍')).toMatchObject({ count: 1, me: true });

    const encoded = encodeURIComponent('⭐');
    expect((await call('PUT', `/channels/${channelId}/messages/${message.id}/reactions/${encoded}/@me`, alice.token)).status).toBe(204);
    await until(() => added.length === 2);
    expect(added[1]).toEqual({ emoji: '⭐', userId: alice.user_id });
    expect(message.reactions.cache.get('⭐')).toMatchObject({ count: 1, me: false });
    const fetched = await channel.messages.fetch({ message: message.id, force: true });
    expect(fetched.reactions.cache.map((r) => [r.emoji.name, r.count, r.me])).toEqual([
      ['👍', 1, true],
      ['⭐', 1, false],
    ]);
    expect((await fetched.reactions.cache.get('⭐')!.users.fetch()).map((u) => u.id)).toEqual([alice.user_id]);

    await fetched.reactions.cache.get('⭐')!.users.remove(alice.user_id);
    await until(() => removed.length === 1);
    expect(removed[0]).toEqual({ emoji: '⭐', userId: alice.user_id });
    const cleared = next<string>((resolve) => bot.on(Events.MessageReactionRemoveAll, (m) => resolve(m.id)));
    await fetched.reactions.removeAll();
    expect(await cleared).toBe(message.id);

    const pinsUpdate = next<string>((resolve) => bot.on(Events.ChannelPinsUpdate, (c) => resolve(c.id)));
    await message.pin();
    expect(await pinsUpdate).toBe(channelId);
    const pins = await channel.messages.fetchPins();
    expect(pins.items.map((item) => [item.message.id, item.message.pinned])).toEqual([[message.id, true]]);
    expect(pins.hasMore).toBe(false);
    await message.unpin();
    expect((await channel.messages.fetchPins()).items).toEqual([]);
  });
});
