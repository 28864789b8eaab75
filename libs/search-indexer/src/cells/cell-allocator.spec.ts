import { ConfigError } from '@chat/config';
import { describe, expect, it } from 'vitest';
import { UnknownCellError } from '../errors';
import { CellAllocator } from './cell-allocator';
import { parseCells, parseDedicated } from './cells.config';
import { SqliteAllocationStore } from './sqlite-allocation-store';

describe('CellAllocator', () => {
  it('allocates new scopes to the least loaded shared cell and keeps each allocation', async () => {
    const store = new SqliteAllocationStore(':memory:');
    await store.set('g:1', 'a');
    await store.set('g:2', 'a');
    const allocator = new CellAllocator({ cells: ['a', 'b', 'c'], store });
    const first = await allocator.allocate('g:10');
    const second = await allocator.allocate('g:11');
    expect([first, second].sort()).toEqual(['b', 'c']);
    expect(await allocator.allocate('g:10')).toBe(first);
    expect(await allocator.allocate('g:1')).toBe('a');
    expect(Object.fromEntries(await store.counts())).toEqual({ a: 2, b: 1, c: 1 });
  });

  it('allocates one scope once under concurrent calls', async () => {
    const store = new SqliteAllocationStore(':memory:');
    const allocator = new CellAllocator({ cells: ['a', 'b'], store });
    const cells = await Promise.all(Array.from({ length: 10 }, () => allocator.allocate('u:7')));
    expect(new Set(cells).size).toBe(1);
    expect([...(await store.counts()).values()]).toEqual([1]);
  });

  it('keeps allocations across a restart (a new allocator on the same file)', async () => {
    const path = `/tmp/search-alloc-${process.pid}-${Date.now()}.db`;
    const before = new SqliteAllocationStore(path);
    const cell = await new CellAllocator({ cells: ['a', 'b'], store: before }).allocate('g:42');
    await before.close();
    const after = new SqliteAllocationStore(path);
    expect(await new CellAllocator({ cells: ['a', 'b'], store: after }).lookup('g:42')).toBe(cell);
    expect(await new CellAllocator({ cells: ['a', 'b'], store: after }).lookup('g:43')).toBeUndefined();
    await after.close();
  });

  it('sends a pinned guild to its dedicated cell and nothing else there', async () => {
    const store = new SqliteAllocationStore(':memory:');
    const allocator = new CellAllocator({ cells: ['a', 'big'], dedicated: new Map([['99', 'big']]), store });
    expect(await allocator.allocate('g:99')).toBe('big');
    for (let i = 0; i < 5; i++) expect(await allocator.allocate(`g:${i}`)).toBe('a');
    expect(allocator.sharedCells).toEqual(['a']);
  });

  it('pins a guild by an admin call, stored; refuses an unknown cell', async () => {
    const store = new SqliteAllocationStore(':memory:');
    const allocator = new CellAllocator({ cells: ['a', 'b'], store });
    await allocator.pin('5', 'b');
    expect(await new CellAllocator({ cells: ['a', 'b'], store }).lookup('g:5')).toBe('b');
    await expect(allocator.pin('5', 'zzz')).rejects.toBeInstanceOf(UnknownCellError);
  });
});

describe('cell configuration', () => {
  it('parses CHAT_SEARCH_CELLS and CHAT_SEARCH_DEDICATED', () => {
    expect(parseCells(['cell-a=http://h1:9200', 'cell-b=https://h2:9200'])).toEqual([
      { name: 'cell-a', url: 'http://h1:9200' },
      { name: 'cell-b', url: 'https://h2:9200' },
    ]);
    expect(parseDedicated(['81384788765712384=cell-b'], ['cell-a', 'cell-b'])).toEqual(new Map([['81384788765712384', 'cell-b']]));
  });

  it('names the key for a bad entry', () => {
    expect(() => parseCells(['nourl'])).toThrow(ConfigError);
    expect(() => parseCells(['a=http://x:1', 'a=http://y:1'])).toThrow(/twice/);
    expect(() => parseCells(['a=ftp://x'])).toThrow(/CHAT_SEARCH_CELLS/);
    expect(() => parseDedicated(['1=c'], ['a'])).toThrow(/CHAT_SEARCH_DEDICATED/);
    expect(() => parseDedicated(['x=a'], ['a'])).toThrow(/CHAT_SEARCH_DEDICATED/);
  });
});
