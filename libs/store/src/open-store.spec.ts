import { ConfigError, loadConfig } from '@chat/config';
import { InvalidArgumentError } from '@chat/errors';
import { composeSnowflake } from '@chat/snowflake';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from './open-store';
import { storeConfigSchema, toStoreOptions } from './store-config';

const dir = mkdtempSync(join(tmpdir(), 'store-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const id = (ms: number, increment = 0) => composeSnowflake({ timestampMs: ms, workerId: 0, processId: 0, increment });

describe('openStore (sqlite)', () => {
  it('gives every port on one file, and the data survives a reopen', async () => {
    const path = join(dir, 'chat.db');
    const store = await openStore({ backend: 'sqlite', path });
    expect(store.backend).toBe('sqlite');
    const userId = id(1_700_000_000_000);
    const guildId = id(1_700_000_000_001);
    const channelId = id(1_700_000_000_002);
    const messageId = id(1_700_000_000_003);
    await store.users.createUser({ id: userId, username: 'persisted' });
    await store.guilds.createGuild({ id: guildId, name: 'g', ownerId: userId });
    await store.guilds.createChannel({ id: channelId, type: 0, guildId, name: 'general' });
    await store.messages.create({
      id: messageId, channelId, guildId, authorId: userId, content: 'hi', tts: false, mentionEveryone: false,
      mentionUserIds: [], mentionRoleIds: [], attachmentsJson: '[]', embedsJson: '[]', nonce: null, type: 0, flags: 0, reference: null,
    });
    await store.readStates.upsertMany([{ userId, channelId, lastMessageId: messageId, mentionCount: 0, lastPinTimestamp: null }]);
    await store.close();
    await store.close();

    const reopened = await openStore({ backend: 'sqlite', path });
    expect((await reopened.users.getUser(userId))?.username).toBe('persisted');
    expect((await reopened.guilds.listChannels(guildId)).map((c) => c.id)).toEqual([channelId]);
    expect((await reopened.messages.history({ channelId, limit: 50 })).map((m) => m.content)).toEqual(['hi']);
    expect((await reopened.readStates.get(userId, channelId))?.lastMessageId).toBe(messageId);
    await reopened.close();
  });

  it('rejects an unknown backend', async () => {
    await expect(openStore({ backend: 'mongo' } as unknown as StoreOptions)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(openStore({ backend: 'sqlite', path: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('store configuration', () => {
  it('defaults to the embedded SQLite file', () => {
    const config = loadConfig(storeConfigSchema, { env: {} });
    expect(toStoreOptions(config)).toEqual({ backend: 'sqlite', path: './data/chat.db' });
  });

  it('reads the Scylla settings from the environment', () => {
    const config = loadConfig(storeConfigSchema, {
      env: {
        CHAT_STORE: 'scylla',
        CHAT_SCYLLA_CONTACT_POINTS: '10.0.0.1:9042, 10.0.0.2',
        CHAT_SCYLLA_LOCAL_DC: 'eu-west',
        CHAT_SCYLLA_KEYSPACE: 'chat_prod',
        CHAT_SCYLLA_READ_CONSISTENCY: 'LOCAL_ONE',
      },
    });
    expect(toStoreOptions(config)).toEqual({
      backend: 'scylla',
      contactPoints: ['10.0.0.1:9042', '10.0.0.2'],
      localDataCenter: 'eu-west',
      keyspace: 'chat_prod',
      readConsistency: 'LOCAL_ONE',
      writeConsistency: 'LOCAL_QUORUM',
    });
  });

  it('names the bad key', () => {
    expect(() => loadConfig(storeConfigSchema, { env: { CHAT_STORE: 'postgres' } })).toThrow(ConfigError);
    expect(() => loadConfig(storeConfigSchema, { env: { CHAT_SCYLLA_WRITE_CONSISTENCY: 'SOMETIMES' } })).toThrow(/CHAT_SCYLLA_WRITE_CONSISTENCY/);
    expect(() => loadConfig(storeConfigSchema, { env: { CHAT_SCYLLA_KEYSPACE: 'drop table;' } })).toThrow(/CHAT_SCYLLA_KEYSPACE/);
  });
});
