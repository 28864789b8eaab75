import { randomBytes } from 'node:crypto';
import { Permission } from '@chat/permissions';
import { EmojiRecords } from '@chat/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botInGuild, guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';

/** A PNG signature and IHDR, then noise (what the sniffer reads); `apng` adds an acTL chunk name. */
function png(extra = 512, apng = false): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(128, 8);
  ihdr.writeUInt32BE(128, 12);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, apng ? Buffer.from('....acTL') : Buffer.alloc(0), randomBytes(extra)]);
}
const gif = () => Buffer.concat([Buffer.from('GIF89a'), Buffer.from([128, 0, 128, 0]), Buffer.from('NETSCAPE2.0'), randomBytes(64)]);
const dataUri = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;

describe('custom emojis', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });
  const create = (body: unknown, token = fx.owner.token) => api.call('POST', `/guilds/${fx.guildId}/emojis`, { token, body });

  it('creates, lists, serves, edits and deletes a guild emoji, with GUILD_EMOJIS_UPDATE each time', async () => {
    const image = png();
    const made = await create({ name: 'blob_wave', image: dataUri(image) });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'blob_wave', roles: [], animated: false, managed: false, require_colons: true, available: true, user: { id: fx.owner.id } });
    expect(api.ofType('GUILD_EMOJIS_UPDATE')[0]?.payload).toEqual({ guild_id: fx.guildId, emojis: [expect.objectContaining({ id: made.body.id, name: 'blob_wave' })] });
    const served = await fetch(`${api.baseUrl}/emojis/${made.body.id as string}.png?size=64`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(image);
    const listed = (await api.call('GET', `/guilds/${fx.guildId}/emojis`, { token: fx.member.token })).body;
    expect(listed).toEqual([expect.objectContaining({ id: made.body.id })]);
    expect(listed[0]).not.toHaveProperty('user');
    expect((await api.call('GET', `/guilds/${fx.guildId}`, { token: fx.member.token })).body.emojis).toEqual([expect.objectContaining({ id: made.body.id })]);
    const animated = await create({ name: 'party', image: dataUri(gif(), 'image/gif') });
    expect(animated.body.animated).toBe(true);

    const role = (await api.call('POST', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token, body: { name: 'vip' } })).body;
    const edited = await api.call('PATCH', `/guilds/${fx.guildId}/emojis/${made.body.id as string}`, { token: fx.owner.token, body: { name: 'blob', roles: [role.id] } });
    expect(edited.body).toMatchObject({ name: 'blob', roles: [role.id] });
    // Restricted to a role the member lacks: they cannot react with it.
    const message = (await api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.owner.token, body: { content: 'hi' } })).body;
    const reactAs = (token: string) => api.call('PUT', `/channels/${fx.channelId}/messages/${message.id as string}/reactions/blob:${made.body.id as string}/@me`, { token });
    expect((await reactAs(fx.member.token)).body.code).toBe(10014);
    await api.call('PUT', `/guilds/${fx.guildId}/members/${fx.member.id}/roles/${role.id as string}`, { token: fx.owner.token });
    expect((await reactAs(fx.member.token)).status).toBe(204);

    expect((await api.call('DELETE', `/guilds/${fx.guildId}/emojis/${made.body.id as string}`, { token: fx.owner.token })).status).toBe(204);
    expect((await fetch(`${api.baseUrl}/emojis/${made.body.id as string}.png`)).status).toBe(404);
    expect((await api.call('GET', `/guilds/${fx.guildId}/emojis/${made.body.id as string}`, { token: fx.owner.token })).body.code).toBe(10014);
    expect(api.ofType('GUILD_EMOJIS_UPDATE').at(-1)?.payload.emojis).toEqual([expect.objectContaining({ name: 'party' })]);
  });

  it('checks permissions, names, images, roles and the 50-emoji slots', async () => {
    expect((await create({ name: 'nope', image: dataUri(png()) }, fx.member.token)).body.code).toBe(50013);
    const everyone = (await api.call('GET', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token })).body.find((r: { name: string }) => r.name === '@everyone');
    await api.call('PATCH', `/guilds/${fx.guildId}/roles/${everyone.id as string}`, { token: fx.owner.token, body: { permissions: String(BigInt(everyone.permissions) | Permission.CREATE_GUILD_EXPRESSIONS) } });
    const own = await create({ name: 'mine', image: dataUri(png()) }, fx.member.token);
    expect(own.status).toBe(201);
    const owners = await create({ name: 'owners', image: dataUri(png()) });
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/emojis/${owners.body.id as string}`, { token: fx.member.token })).body.code).toBe(50013);
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/emojis/${own.body.id as string}`, { token: fx.member.token, body: { name: 'still_mine' } })).status).toBe(200);

    expect((await create({ name: 'x', image: dataUri(png()) })).body.errors.name._errors[0].code).toBeDefined();
    expect((await create({ name: 'bad image', image: dataUri(png()) })).body.code).toBe(50035);
    expect((await create({ name: 'text', image: dataUri(Buffer.from('not an image'), 'image/png') })).body.errors.image._errors[0].code).toBe('IMAGE_INVALID');
    expect((await create({ name: 'raw', image: 'aGVsbG8=' })).body.errors.image._errors[0].code).toBe('IMAGE_INVALID');
    expect((await create({ name: 'huge', image: dataUri(png(300 * 1024)) })).body.errors.image._errors[0].code).toBe('BINARY_TYPE_MAX_SIZE');
    expect((await create({ name: 'roled', image: dataUri(png()), roles: ['123'] })).body.errors.roles['0']._errors[0].code).toBe('ROLE_INVALID');

    const records = new EmojiRecords(api.store.records);
    for (let i = 0; i < 48; i++) await records.save({ guildId: fx.guildId }, { id: String(5000 + i), name: `s${i}`, animated: false, roles: [], creatorId: fx.owner.id, imageKey: `emojis/${5000 + i}` });
    const full = await create({ name: 'one_more', image: dataUri(png()) });
    expect([full.status, full.body.code]).toEqual([400, 30008]);
    expect((await create({ name: 'moving', image: dataUri(gif(), 'image/gif') })).status).toBe(201);
  });

  it('keeps application emojis for the application, listed as {items} and usable by its bot', async () => {
    const { appId, bot } = await botInGuild(api, fx);
    const path = `/applications/${appId}/emojis`;
    const made = await api.call('POST', path, { token: bot.token, bot: true, body: { name: 'app_logo', image: dataUri(png()) } });
    expect(made.status).toBe(201);
    expect((await api.call('POST', path, { token: fx.owner.token, body: { name: 'app_logo', image: dataUri(png()) } })).body.errors.name._errors[0].code).toBe('APPLICATION_EMOJI_NAME_ALREADY_TAKEN');
    expect((await api.call('GET', path, { token: fx.owner.token })).body).toEqual({ items: [expect.objectContaining({ id: made.body.id, name: 'app_logo' })] });
    expect((await api.call('GET', path, { token: fx.member.token })).body.code).toBe(50001);
    expect((await api.call('PATCH', `${path}/${made.body.id as string}`, { token: bot.token, bot: true, body: { name: 'renamed' } })).body.name).toBe('renamed');
    const message = (await api.call('POST', `/channels/${fx.channelId}/messages`, { token: fx.owner.token, body: { content: 'react' } })).body;
    const react = (token: string, asBot: boolean) => api.call('PUT', `/channels/${fx.channelId}/messages/${message.id as string}/reactions/renamed:${made.body.id as string}/@me`, { token, bot: asBot });
    expect((await react(fx.member.token, false)).body.code).toBe(10014);
    expect((await react(bot.token, true)).status).toBe(204);
    expect((await api.call('DELETE', `${path}/${made.body.id as string}`, { token: bot.token, bot: true })).status).toBe(204);
    expect((await api.call('GET', `${path}/${made.body.id as string}`, { token: bot.token, bot: true })).body.code).toBe(10014);
  });
});

describe('stickers', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });
  const upload = (fields: Record<string, string>, file: Buffer | undefined, token = fx.owner.token) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([file]), 'sticker.png');
    return api.call('POST', `/guilds/${fx.guildId}/stickers`, { token, form });
  };

  it('creates PNG, APNG, GIF and Lottie stickers, serves them, and edits and deletes them with GUILD_STICKERS_UPDATE', async () => {
    const image = png();
    const made = await upload({ name: 'wave', description: 'a wave', tags: 'wave' }, image);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'wave', description: 'a wave', tags: 'wave', type: 2, format_type: 1, available: true, guild_id: fx.guildId, user: { id: fx.owner.id } });
    expect((await upload({ name: 'moving', description: '', tags: 'x' }, png(64, true))).body.format_type).toBe(2);
    expect((await upload({ name: 'gif', description: '', tags: 'x' }, gif())).body.format_type).toBe(4);
    expect((await upload({ name: 'lottie', description: '', tags: 'x' }, Buffer.from(JSON.stringify({ v: '5.5.2', layers: [] })))).body.format_type).toBe(3);
    expect(api.ofType('GUILD_STICKERS_UPDATE').at(-1)?.payload.stickers).toHaveLength(4);
    expect(Buffer.from(await (await fetch(`${api.baseUrl}/stickers/${made.body.id as string}.png`)).arrayBuffer())).toEqual(image);
    expect((await api.call('GET', `/stickers/${made.body.id as string}`, { token: fx.member.token })).body).toMatchObject({ id: made.body.id, name: 'wave' });
    expect((await api.call('GET', `/guilds/${fx.guildId}/stickers`, { token: fx.member.token })).body).toHaveLength(4);
    expect((await api.call('GET', `/guilds/${fx.guildId}`, { token: fx.member.token })).body.stickers).toHaveLength(4);
    expect((await api.call('PATCH', `/guilds/${fx.guildId}/stickers/${made.body.id as string}`, { token: fx.owner.token, body: { name: 'waving', description: null } })).body).toMatchObject({ name: 'waving', description: '' });
    expect((await upload({ name: 'sixth', description: '', tags: 'x' }, png())).status).toBe(201);
    const full = await upload({ name: 'seventh', description: '', tags: 'x' }, png());
    expect([full.status, full.body.code]).toEqual([400, 30039]);
    expect((await api.call('DELETE', `/guilds/${fx.guildId}/stickers/${made.body.id as string}`, { token: fx.owner.token })).status).toBe(204);
    expect((await api.call('GET', `/stickers/${made.body.id as string}`, { token: fx.owner.token })).body.code).toBe(10060);
    expect((await fetch(`${api.baseUrl}/stickers/${made.body.id as string}.png`)).status).toBe(404);
    expect((await api.call('GET', '/sticker-packs', { token: fx.owner.token })).body).toEqual({ sticker_packs: [] });
  });

  it('refuses a missing or bad file and members without the permission', async () => {
    expect((await upload({ name: 'nofile', description: '', tags: 'x' }, undefined)).body.errors.file._errors[0].code).toBe('BASE_TYPE_REQUIRED');
    expect((await upload({ name: 'jpeg', description: '', tags: 'x' }, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).body.errors.file._errors[0].code).toBe('IMAGE_INVALID');
    expect((await upload({ name: 'big', description: '', tags: 'x' }, png(600 * 1024))).body.errors.file._errors[0].code).toBe('BINARY_TYPE_MAX_SIZE');
    expect((await upload({ name: 'x', description: '', tags: 'x' }, png())).body.code).toBe(50035);
    expect((await upload({ name: 'theirs', description: '', tags: 'x' }, png(), fx.member.token)).body.code).toBe(50013);
  });
});
