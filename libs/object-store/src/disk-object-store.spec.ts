import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDiskObjectStore } from './disk-object-store';
import { describeObjectStoreContract } from './object-store.contract';

const roots: string[] = [];
const newRoot = () => {
  const root = mkdtempSync(join(tmpdir(), 'objects-'));
  roots.push(root);
  return root;
};
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describeObjectStoreContract('disk', () => openDiskObjectStore(newRoot()));

describe('disk object store', () => {
  it('keeps objects as files under the root and clears a crashed write at open', async () => {
    const root = newRoot();
    mkdirSync(join(root, '.incoming'), { recursive: true });
    writeFileSync(join(root, '.incoming', 'half-written'), 'partial');
    const store = await openDiskObjectStore(root);
    expect(readdirSync(join(root, '.incoming'))).toEqual([]);
    await store.put('attachments/1/2', Buffer.from('bytes'));
    expect(readdirSync(join(root, 'attachments', '1'))).toEqual(['2']);
    expect((await store.list('', { limit: 10 })).map((e) => e.key)).toEqual(['attachments/1/2']);
  });
});
