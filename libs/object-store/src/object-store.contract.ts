/** The one contract both ObjectStore adapters pass. */
import { InvalidArgumentError } from '@chat/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { RangeNotSatisfiableError } from './object-keys';
import type { ObjectStore } from './object-store.port';

const text = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
};

/** Registers the contract for one adapter. */
export function describeObjectStoreContract(adapter: string, open: () => Promise<ObjectStore>): void {
  describe(`ObjectStore contract: ${adapter}`, () => {
    let store: ObjectStore;
    const prefix = `t${Date.now().toString(36)}`;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('puts, gets whole and by range, heads, overwrites and deletes', async () => {
      const key = `${prefix}/a/one.txt`;
      await store.put(key, Buffer.from('hello, object store'), { contentType: 'text/plain' });
      const whole = await store.get(key);
      expect(whole).toMatchObject({ size: 19, contentType: 'text/plain' });
      expect(await text(whole!.body)).toBe('hello, object store');
      const part = await store.get(key, { start: 7, end: 12 });
      expect(part).toMatchObject({ size: 19, range: { start: 7, end: 12 } });
      expect(await text(part!.body)).toBe('object');
      const tail = await store.get(key, { start: 14, end: 1000 });
      expect(tail?.range).toEqual({ start: 14, end: 18 });
      expect(await text(tail!.body)).toBe('store');
      await expect(store.get(key, { start: 19, end: 30 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      expect(await store.head(key)).toMatchObject({ key, size: 19, contentType: 'text/plain' });
      expect((await store.head(key))!.modifiedAt).toBeGreaterThan(Date.now() - 600_000);
      await store.put(key, Buffer.from('replaced'));
      expect(await text((await store.get(key))!.body)).toBe('replaced');
      expect((await store.head(key))?.contentType).toBe('application/octet-stream');
      await store.delete(key);
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.head(key)).toBeUndefined();
    });

    it('lists a prefix in key order, paged with after', async () => {
      for (const name of ['c', 'a', 'b', 'd']) await store.put(`${prefix}/list/${name}`, Buffer.from(name));
      await store.put(`${prefix}/other/x`, Buffer.from('x'));
      const first = await store.list(`${prefix}/list/`, { limit: 2 });
      expect(first.map((e) => e.key)).toEqual([`${prefix}/list/a`, `${prefix}/list/b`]);
      expect(first[0]?.size).toBe(1);
      const rest = await store.list(`${prefix}/list/`, { after: `${prefix}/list/b`, limit: 10 });
      expect(rest.map((e) => e.key)).toEqual([`${prefix}/list/c`, `${prefix}/list/d`]);
      expect(await store.list(`${prefix}/none/`, { limit: 10 })).toEqual([]);
    });

    it('refuses keys that could leave the store', async () => {
      for (const key of ['', '../etc/passwd', 'a/../../b', 'a//b', '/abs', 'a/./b', 'spa ce', 'ü', 'a\\b']) {
        await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      await expect(store.get('a/..')).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}
