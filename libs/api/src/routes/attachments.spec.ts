import { createHash, randomBytes } from 'node:crypto';
import { Permission } from '@chat/permissions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentRecords } from '../attachments/attachment-records';
import { sweepAttachments } from '../attachments/attachment-sweep';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';
import { storeMessageService } from '../testing/store-message-service';

/** A PNG's signature and IHDR (what the sniffer reads), then noise. */
function png(width: number, height: number, extra = 2048): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, randomBytes(extra)]);
}
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('attachments', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeEach(async () => {
    api = await startRestHarness({ uploads: { fileBytes: 64 * 1024, requestBytes: 1024 * 1024 } });
    fx = await guildFixture(api);
  });
  afterEach(async () => {
    await api.close();
  });

  const form = (payload: unknown, files: [string, Buffer, string][]) => {
    const data = new FormData();
    data.append('payload_json', JSON.stringify(payload));
    for (const [field, bytes, name] of files) data.append(field, new Blob([bytes]), name);
    return data;
  };
  const send = (payload: unknown, files: [string, Buffer, string][], token = fx.member.token) => api.call('POST', `/channels/${fx.channelId}/messages`, { token, form: form(payload, files) });
  const stored = async () => (await api.objects.list('attachments/', { limit: 100 })).map((e) => e.key);
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await check()).toBe(true);
  };

  it('stores files with sniffed type, size, dimensions and alt text, and serves the same bytes at a signed URL', async () => {
    const image = png(640, 480);
    const text = Buffer.from('hello from a log file\n'.repeat(20));
    const sent = await send({ content: 'two files', attachments: [{ id: 0, description: 'a test card' }, { id: 1, filename: 'build log.txt' }] }, [
      ['files[0]', image, 'card.png'],
      ['files[1]', text, 'ignored.bin'],
    ]);
    expect(sent.status).toBe(200);
    const [a, b] = sent.body.attachments;
    expect(a).toMatchObject({ filename: 'card.png', description: 'a test card', content_type: 'image/png', size: image.length, width: 640, height: 480 });
    expect(b).toMatchObject({ filename: 'build_log.txt', content_type: 'text/plain; charset=utf-8', size: text.length });
    expect(a).not.toHaveProperty('sha256');
    expect(a.url).toMatch(new RegExp(`^${api.baseUrl}/attachments/${fx.channelId}/${a.id as string}/card\\.png\\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}&$`));
    expect(a.proxy_url).toBe(a.url);
    expect(api.ofType('MESSAGE_CREATE')[0]?.payload.attachments).toHaveLength(2);

    const served = await fetch(a.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toContain('immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sha(Buffer.from(await served.arrayBuffer()))).toBe(sha(image));
    const part = await fetch(a.url, { headers: { range: 'bytes=8-15' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 8-15/${image.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(image.subarray(8, 16));
    expect((await fetch(a.url, { headers: { range: `bytes=${image.length}-` } })).status).toBe(416);
    expect((await fetch(a.url, { headers: { 'if-none-match': served.headers.get('etag')! } })).status).toBe(304);
    expect((await fetch(a.url, { method: 'HEAD' })).headers.get('content-length')).toBe(String(image.length));

    const tampered = a.url.replace(/hm=([0-9a-f])/, (_m: string, c: string) => `hm=${c === '0' ? '1' : '0'}`);
    expect((await fetch(tampered)).status).toBe(404);
    expect((await fetch(a.url.replace('card.png', 'other.png'))).status).toBe(404);
    expect((await fetch(a.url.split('?')[0])).status).toBe(404);
    api.clock.now += 25 * 60 * 60 * 1000;
    expect((await fetch(a.url)).status).toBe(404);
    // Read again, the message carries a fresh URL.
    const again = (await api.call('GET', `/channels/${fx.channelId}/messages/${sent.body.id as string}`, { token: fx.owner.token })).body.attachments[0];
    expect((await fetch(again.url)).status).toBe(200);
  });

  it('refuses bad uploads with Discord errors and stores nothing', async () => {
    const corrupt = await api.call('POST', `/channels/${fx.channelId}/messages`, {
      token: fx.member.token,
      multipart: { bytes: Buffer.from('--xyz\r\nContent-Disposition: form-data; name="files[0]"; filename="a.txt"\r\n\r\nno end'), contentType: 'multipart/form-data; boundary=xyz' },
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.message).toContain('malformed multipart');
    const missing = await send({ content: 'x', attachments: [{ id: 0 }, { id: 3 }] }, [['files[0]', Buffer.from('a'), 'a.txt']]);
    expect(missing.body.errors.attachments['1'].id._errors[0].code).toBe('ATTACHMENT_NOT_FOUND');
    const big = await send({ content: 'x' }, [['files[0]', Buffer.from('small'), 'a.txt'], ['files[1]', randomBytes(65 * 1024), 'big.bin']]);
    expect([big.status, big.body.code]).toEqual([413, 40005]);
    const huge = await send({ content: 'x' }, [['files[0]', randomBytes(1100 * 1024), 'huge.bin']]);
    expect([huge.status, huge.body.code]).toEqual([413, 40005]);
    const many = await send({ content: 'x' }, Array.from({ length: 11 }, (_, i): [string, Buffer, string] => [`files[${i}]`, Buffer.from(`f${i}`), `f${i}.txt`]));
    expect(many.body.errors.attachments._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    const twice = await send({ content: 'x' }, [['files[0]', Buffer.from('a'), 'a.txt'], ['file', Buffer.from('b'), 'b.txt']]);
    expect(twice.body.errors.file._errors[0].code).toBe('BASE_TYPE_INVALID');
    const strange = await send({ content: 'x', attachments: [{ id: 0, colour: 'red' }] }, [['files[0]', Buffer.from('a'), 'a.txt']]);
    expect(strange.body.code).toBe(50035);
    const elsewhere = await api.call('PATCH', `/channels/${fx.channelId}`, { token: fx.owner.token, form: form({ name: 'renamed' }, [['files[0]', Buffer.from('a'), 'a.txt']]) });
    expect(elsewhere.body.errors.files._errors[0].code).toBe('ATTACHMENT_NOT_ALLOWED');
    expect(await stored()).toEqual([]);
  });

  it('needs ATTACH_FILES', async () => {
    const everyone = (await api.call('GET', `/guilds/${fx.guildId}/roles`, { token: fx.owner.token })).body.find((r: { name: string }) => r.name === '@everyone');
    await api.call('PATCH', `/guilds/${fx.guildId}/roles/${everyone.id as string}`, { token: fx.owner.token, body: { permissions: String(BigInt(everyone.permissions) & ~Permission.ATTACH_FILES) } });
    expect((await send({ content: 'x' }, [['files[0]', Buffer.from('a'), 'a.txt']])).body.code).toBe(50013);
    expect(await stored()).toEqual([]);
  });

  it('an edit keeps the listed attachments, adds new files and deletes the dropped bytes; a delete deletes the rest', async () => {
    const sent = (await send({ content: 'v1' }, [['files[0]', Buffer.from('one'), 'one.txt'], ['files[1]', Buffer.from('two'), 'two.txt']])).body;
    const [one, two] = sent.attachments;
    expect(await stored()).toHaveLength(2);
    const edited = await api.call('PATCH', `/channels/${fx.channelId}/messages/${sent.id as string}`, {
      token: fx.member.token,
      form: form({ content: 'v2', attachments: [{ id: one.id }, { id: 0, description: 'three' }] }, [['files[0]', Buffer.from('three'), 'three.txt']]),
    });
    expect(edited.status).toBe(200);
    expect(edited.body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['one.txt', 'three.txt']);
    await eventually(async () => !(await stored()).some((k) => k.endsWith(`/${two.id as string}`)));
    expect(await stored()).toHaveLength(2);
    await api.call('DELETE', `/channels/${fx.channelId}/messages/${sent.id as string}`, { token: fx.member.token });
    await eventually(async () => (await stored()).length === 0 && (await new AttachmentRecords(api.store.records).get(one.id)) === undefined);
  });

  it('the sweep removes bytes whose message never came or is gone, and keeps a message whose owner record was never settled', async () => {
    const records = new AttachmentRecords(api.store.records);
    // An upload whose process died before the message was created.
    await records.pending('1000000000000000001', fx.channelId, api.clock.now);
    await api.objects.put(`attachments/${fx.channelId}/1000000000000000001`, Buffer.from('orphan'));
    // A message whose owner record stayed pending (died after the create, before settling).
    const kept = (await send({ content: 'kept' }, [['files[0]', Buffer.from('keep me'), 'keep.txt']])).body;
    await records.pending(kept.attachments[0].id, fx.channelId, api.clock.now);
    // A message deleted, its bytes left behind.
    const gone = (await send({ content: 'gone' }, [['files[0]', Buffer.from('gone'), 'gone.txt']])).body;
    await api.store.messages.delete(fx.channelId, gone.id);
    const messages = storeMessageService(api.store.messages, { nextId: () => '1', now: () => new Date() });
    const deps = { objects: api.objects, records: api.store.records, messages };
    expect(await sweepAttachments(deps, { now: Date.now(), graceMs: 60_000 })).toEqual({ checked: 0, deleted: 0, settled: 0 });
    expect(await sweepAttachments(deps, { now: Date.now() + 120_000, graceMs: 60_000 })).toEqual({ checked: 3, deleted: 2, settled: 1 });
    expect(await stored()).toEqual([`attachments/${fx.channelId}/${kept.attachments[0].id as string}`]);
    expect(await records.get(kept.attachments[0].id)).toMatchObject({ messageId: kept.id });
  });
});
