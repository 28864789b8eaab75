/**
 * The end of a node's log, for the error that says the node died: the fleet's
 * directory is often gone by the time anyone looks (a spec's temporary
 * directory), so the reason has to travel in the message. Only the last
 * 64 KiB are read, however long the log grew over restarts.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** How much of the end of a log `logTail` reads at most. */
const TAIL_BYTES = 64 * 1024;

/**
 * The last `lines` lines of the file at `path` (default 40), without the
 * final newline; a line that says so when the file cannot be read.
 */
export function logTail(path: string, lines = 40): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return `(no log at ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, size - length);
    const all = buffer.subarray(0, read).toString('utf8').replace(/\n$/, '').split('\n');
    // A read that starts mid-file starts mid-line: that first piece is not a line.
    const whole = length < size ? all.slice(1) : all;
    return whole.slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}
