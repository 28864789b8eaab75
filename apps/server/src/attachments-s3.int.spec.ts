/**
 * Issue 15's file "Done when" on the S3 backend: the whole server with
 * CHAT_OBJECT_STORE=s3 against the integration run's real S3-compatible
 * server (SeaweedFS). An unmodified discord.js bot sends a file; the URL
 * the gateway hands out serves the same bytes from the bucket, a tampered
 * one is refused, and deleting the message deletes the object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentBuilder, Client, Events, GatewayIntentBits, type Guild, type Message, type TextChannel } from 'discord.js';
import type { RunningServer } from '@chat/modules';
import { openS3ObjectStore, type ObjectStore } from '@chat/object-store';
import { infra, uniqueName } from '@chat/testing';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

let server: RunningServer | undefined;
let client: Client | undefined;
let bucketView: ObjectStore | undefined;
afterEach(async () => {
  await client?.destroy();
  await server?.shutdown('test');
  await bucketView?.close();
  [server, client, bucketView] = [undefined, undefined, undefined];
});

describe('attachments on S3 (real SeaweedFS)', () => {
  it('a discord.js upload is stored in the bucket, served back byte for byte, and deleted with its message', async () => {
    const { s3 } = infra();
    const bucket = uniqueName('attachments').replace(/_/g, '-');
    server = await startInProcessServer({
      CHAT_OBJECT_STORE: 's3',
      CHAT_S3_ENDPOINT: s3.endpoint,
      CHAT_S3_REGION: s3.region,
      CHAT_S3_ACCESS_KEY_ID: s3.accessKeyId,
      CHAT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      CHAT_S3_BUCKET: bucket,
      CHAT_S3_CREATE_BUCKET: 'true',
    });
    bucketView = await openS3ObjectStore({ endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, bucket });
    const api = server.endpoints.api!;
    const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(api, method, path, token, body);
    const alice = (await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' })).body.token as string;
    const guildId = (await call('POST', '/guilds', alice, { name: 'Home' })).body.id as string;
    const channelId = (await call('GET', `/guilds/${guildId}/channels`, alice)).body[0].id as string;
    const appId = (await call('POST', '/applications', alice, { name: 'Uploader' })).body.id as string;
    const botToken = (await call('POST', `/applications/${appId}/bot`, alice)).body.token as string;
    const permissions = String((1n << 10n) | (1n << 11n) | (1n << 15n) | (1n << 16n)); // VIEW_CHANNEL, SEND_MESSAGES, ATTACH_FILES, READ_MESSAGE_HISTORY
    expect((await call('POST', `/oauth2/authorize?client_id=${appId}&scope=bot`, alice, { guild_id: guildId, permissions, authorize: true })).status).toBe(200);
    const bot = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api } });
    client = bot;
    const available = new Promise<Guild>((resolve) => bot.on(Events.GuildAvailable, (g) => g.id === guildId && resolve(g)));
    await bot.login(botToken);
    const channel = (await available).channels.cache.get(channelId) as TextChannel;

    const bytes = randomBytes(512 * 1024);
    const arrived = new Promise<Message>((resolve) => bot.on(Events.MessageCreate, (m) => m.attachments.size > 0 && resolve(m)));
    const sent = await channel.send({ files: [new AttachmentBuilder(bytes, { name: 'photo.jpg' })] });
    const attachment = (await arrived).attachments.first()!;
    expect(attachment.size).toBe(bytes.length);
    expect(await bucketView.head(`attachments/${channelId}/${attachment.id}`)).toMatchObject({ size: bytes.length });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const served = await fetch(attachment.url);
    expect(served.status).toBe(200);
    expect(sha(Buffer.from(await served.arrayBuffer()))).toBe(sha(bytes));
    const ranged = await fetch(attachment.url, { headers: { range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(bytes.subarray(1000, 2000));
    expect((await fetch(attachment.url.replace(/hm=[0-9a-f]{4}/, 'hm=ffff'))).status).toBe(404);

    await sent.delete();
    for (let i = 0; i < 100 && (await bucketView.head(`attachments/${channelId}/${attachment.id}`)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await bucketView.head(`attachments/${channelId}/${attachment.id}`)).toBeUndefined();
  });
});
