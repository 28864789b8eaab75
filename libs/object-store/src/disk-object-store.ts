/**
 * ObjectStore on a local directory: a key is a file path under the root,
 * its content type a small file at the same path under `<root>/.types`.
 * Each write goes to a temporary file in `<root>/.incoming` and is renamed
 * into place, so a reader never sees half an object and a crash leaves only
 * a temporary file (removed at the next open). Listing walks the
 * directories under the prefix.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { checkObjectKey, checkObjectPrefix, clampRange } from './object-keys';
import type { ByteRange, ObjectEntry, ObjectHead, ObjectStore, PutOptions, StoredObject } from './object-store.port';

const INCOMING = '.incoming';
const TYPES = '.types';
const DEFAULT_TYPE = 'application/octet-stream';

/** Opens (creating it) an object directory. */
export async function openDiskObjectStore(root: string): Promise<ObjectStore> {
  await mkdir(root, { recursive: true });
  await rm(join(root, INCOMING), { recursive: true, force: true });
  await mkdir(join(root, INCOMING), { recursive: true });
  return new DiskObjectStore(root);
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR';

class DiskObjectStore implements ObjectStore {
  readonly backend = 'disk';

  constructor(private readonly root: string) {}

  async put(key: string, bytes: Buffer, options?: PutOptions): Promise<void> {
    const path = this.path(key);
    await this.writeAtomically(this.typePath(key), Buffer.from(options?.contentType ?? DEFAULT_TYPE));
    await this.writeAtomically(path, bytes);
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | undefined> {
    const entry = await this.head(key);
    if (!entry) return undefined;
    const served = range ? clampRange(range, entry.size) : undefined;
    const body = createReadStream(this.path(key), served ? { start: served.start, end: served.end } : {});
    return { body, size: entry.size, modifiedAt: entry.modifiedAt, contentType: entry.contentType, ...(served ? { range: served } : {}) };
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    try {
      const info = await stat(this.path(key));
      if (!info.isFile()) return undefined;
      const contentType = await readFile(this.typePath(key), 'utf8').catch(() => DEFAULT_TYPE);
      return { key, size: info.size, modifiedAt: info.mtimeMs, contentType };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
    await rm(this.typePath(key), { force: true });
  }

  async list(prefix: string, options: { after?: string; limit: number }): Promise<ObjectEntry[]> {
    checkObjectPrefix(prefix);
    const limit = Math.max(1, Math.min(1000, options.limit));
    // The deepest directory the prefix names whole; the rest filters names.
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    await this.walk(join(this.root, base), keys);
    const matching = keys.filter((k) => k.startsWith(prefix) && (options.after === undefined || k > options.after)).sort();
    const page = matching.slice(0, limit);
    const entries = await Promise.all(page.map((k) => this.head(k)));
    return entries.flatMap((e) => (e ? [{ key: e.key, size: e.size, modifiedAt: e.modifiedAt }] : []));
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  private path(key: string): string {
    return join(this.root, ...checkObjectKey(key).split('/'));
  }

  private typePath(key: string): string {
    return join(this.root, TYPES, ...checkObjectKey(key).split('/'));
  }

  private async writeAtomically(path: string, bytes: Buffer): Promise<void> {
    const temporary = join(this.root, INCOMING, randomBytes(12).toString('hex'));
    await writeFile(temporary, bytes);
    try {
      await mkdir(dirname(path), { recursive: true });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private async walk(directory: string, into: string[]): Promise<void> {
    let names;
    try {
      names = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of names) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (full !== join(this.root, INCOMING) && full !== join(this.root, TYPES)) await this.walk(full, into);
      } else if (entry.isFile()) {
        into.push(relative(this.root, full).split(sep).join('/'));
      }
    }
  }
}
