import { createInflate, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZLIB_SUFFIX, ZlibStreamEncoder } from './zlib-stream';

describe('ZlibStreamEncoder', () => {
  it('emits one chunk per message, in order, each ending in 00 00 ff ff, inflatable by one streaming inflater', async () => {
    const chunks: Buffer[] = [];
    const messages = Array.from({ length: 50 }, (_, i) => JSON.stringify({ op: 0, s: i, d: 'x'.repeat(i * 37) }));
    const done = new Promise<void>((resolve) => {
      const encoder = new ZlibStreamEncoder((chunk) => {
        chunks.push(chunk);
        if (chunks.length === messages.length) {
          encoder.close();
          resolve();
        }
      });
      for (const m of messages) encoder.write(m);
    });
    await done;
    const inflate = createInflate();
    const decoded: string[] = [];
    for (const chunk of chunks) {
      expect(chunk.subarray(-4).equals(ZLIB_SUFFIX)).toBe(true);
      const out: Buffer[] = [];
      const onData = (b: Buffer): number => out.push(b);
      inflate.on('data', onData);
      await new Promise<void>((resolve) => inflate.write(chunk, () => inflate.flush(constants.Z_SYNC_FLUSH, () => resolve())));
      inflate.off('data', onData);
      decoded.push(Buffer.concat(out).toString('utf8'));
    }
    expect(decoded).toEqual(messages);
  });
});
