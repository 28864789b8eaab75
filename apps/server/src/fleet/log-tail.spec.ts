import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logTail } from './log-tail';

const dir = mkdtempSync(join(tmpdir(), 'chat-log-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('logTail', () => {
  it('gives the last lines of a log, all of a short one', () => {
    const file = join(dir, 'node.log');
    writeFileSync(file, `${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n`);
    expect(logTail(file, 3)).toBe('line 97\nline 98\nline 99');
    expect(logTail(file).split('\n')).toHaveLength(40);
    writeFileSync(file, 'only line');
    expect(logTail(file)).toBe('only line');
  });

  it('reads only the end of a long log and drops the partial line it starts in', () => {
    const file = join(dir, 'long.log');
    const line = 'x'.repeat(999);
    writeFileSync(file, `${Array.from({ length: 200 }, () => line).join('\n')}\nthe last line\n`);
    const tail = logTail(file, 1000).split('\n');
    expect(tail.at(-1)).toBe('the last line');
    expect(tail.slice(0, -1).every((l) => l === line)).toBe(true);
    expect(tail.length).toBeLessThan(70);
  });

  it('says so when there is no log', () => {
    expect(logTail(join(dir, 'missing.log'))).toMatch(/^\(no log at .*missing\.log: ENOENT\)$/);
  });
});
