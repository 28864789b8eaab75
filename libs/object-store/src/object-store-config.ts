/** Configuration of the object store, as @chat/config settings, and the open call it leads to. */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { boolSetting, enumSetting, stringSetting, type ConfigOf } from '@chat/config';
import { openDiskObjectStore } from './disk-object-store';
import type { ObjectStore } from './object-store.port';
import { openS3ObjectStore } from './s3-object-store';

/** The object store's settings. */
export const objectStoreConfigSchema = {
  backend: enumSetting('CHAT_OBJECT_STORE', ['disk', 's3'] as const, {
    default: 'disk',
    description: 'Where attachment and image bytes live: disk (a local directory) or s3 (any S3-compatible service)',
  }),
  directory: stringSetting('CHAT_OBJECT_STORE_DIR', {
    default: '',
    description: "Directory of the disk object store; empty: `objects` beside CHAT_SQLITE_PATH (a temporary directory, removed at stop, when that is ':memory:')",
    unit: 'path',
  }),
  storeSqlitePath: stringSetting('CHAT_SQLITE_PATH', { default: './data/chat.db', unit: 'path', description: "the store's SQLite file; the object directory defaults to sit beside it" }),
  s3Endpoint: stringSetting('CHAT_S3_ENDPOINT', { default: '', description: 'S3-compatible endpoint URL, e.g. http://127.0.0.1:8333 (required for the s3 backend)' }),
  s3Region: stringSetting('CHAT_S3_REGION', { default: 'us-east-1', description: 'Region the S3 requests are signed for' }),
  s3Bucket: stringSetting('CHAT_S3_BUCKET', { default: 'chat', description: 'Bucket holding the objects' }),
  s3AccessKeyId: stringSetting('CHAT_S3_ACCESS_KEY_ID', { default: '', description: 'S3 access key id' }),
  s3SecretAccessKey: stringSetting('CHAT_S3_SECRET_ACCESS_KEY', { default: '', description: 'S3 secret access key' }),
  s3CreateBucket: boolSetting('CHAT_S3_CREATE_BUCKET', { default: false, description: 'Create the bucket at start when it does not exist' }),
};

/** A loaded object-store configuration. */
export type ObjectStoreConfig = ConfigOf<typeof objectStoreConfigSchema>;

/** The disk store's directory, and whether it is a throwaway one (for an in-memory SQLite store). */
export function objectDirectory(config: Pick<ObjectStoreConfig, 'directory' | 'storeSqlitePath'>): { path: string; temporary: boolean } {
  if (config.directory !== '') return { path: config.directory, temporary: false };
  if (config.storeSqlitePath === ':memory:') return { path: mkdtempSync(join(tmpdir(), 'chat-objects-')), temporary: true };
  return { path: join(dirname(config.storeSqlitePath), 'objects'), temporary: false };
}

/** Opens the configured object store (a throwaway directory is removed again by `close`). */
export async function openObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  if (config.backend === 'disk') {
    const directory = objectDirectory(config);
    const store = await openDiskObjectStore(directory.path);
    if (!directory.temporary) return store;
    return Object.assign(Object.create(store) as ObjectStore, {
      close: async () => {
        await store.close();
        await rm(directory.path, { recursive: true, force: true });
      },
    });
  }
  if (config.s3Endpoint === '') throw new Error('CHAT_S3_ENDPOINT is required when CHAT_OBJECT_STORE=s3');
  return openS3ObjectStore({
    endpoint: config.s3Endpoint,
    region: config.s3Region,
    bucket: config.s3Bucket,
    accessKeyId: config.s3AccessKeyId,
    secretAccessKey: config.s3SecretAccessKey,
    createBucket: config.s3CreateBucket,
  });
}
