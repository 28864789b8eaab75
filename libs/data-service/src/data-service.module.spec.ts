import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { busModule } from '@chat/bus';
import { ConfigError } from '@chat/config';
import { GRPC_SERVER, grpcServerModule, idsModule, ModuleManager, type ModuleDefinition } from '@chat/modules';
import { createMetricsRegistry, silentLogger } from '@chat/observability';
import { loadDescriptorSet, messagesV1 } from '@chat/proto';
import { createServiceClient, RemoteCallError } from '@chat/rpc';
import type { Store } from '@chat/store';
import { afterEach, describe, expect, it } from 'vitest';
import { dataServiceModule } from './data-service.module';
import { storeModule } from '@chat/store';
import { STORE, memoryStoreModule } from './store.module';

const CHANNEL = '1200000000000000001';
const GUILD = '1000000000000000001';

function manager(store: ModuleDefinition, env: Record<string, string>) {
  return new ModuleManager([grpcServerModule(loadDescriptorSet), idsModule, busModule, store, dataServiceModule] as ModuleDefinition[], ['data-service'], {
    logger: silentLogger(),
    metrics: createMetricsRegistry(),
    config: { env: { CHAT_GRPC_PORT: '0', ...env } },
  });
}

describe('dataServiceModule', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('starts after grpc-server, ids, bus and store, and serves MessageService on the interim memory store', async () => {
    const modules = manager(memoryStoreModule, {});
    expect(modules.modules).toEqual(['grpc-server', 'bus', 'store', 'ids', 'data-service']);
    await modules.start();
    cleanups.push(() => modules.stop());
    const client = createServiceClient(messagesV1.MessageServiceService, `127.0.0.1:${modules.valueOf(GRPC_SERVER)!.port}`);
    cleanups.push(() => client.close());
    const created = await client.createMessage(messagesV1.CreateMessageRequest.fromPartial({ channelId: CHANNEL, authorId: '1100000000000000001', content: 'hi' }));
    expect((await client.getHistory({ channelId: CHANNEL, limit: 1, anchor: undefined })).messages[0]?.id).toBe(created.message?.id);
  });

  it('runs on the real SQLite adapter: unknown channel NOT_FOUND, known channel works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-service-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const modules = manager(storeModule, { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(dir, 'chat.db') });
    await modules.start();
    cleanups.push(() => modules.stop());
    const client = createServiceClient(messagesV1.MessageServiceService, `127.0.0.1:${modules.valueOf(GRPC_SERVER)!.port}`);
    cleanups.push(() => client.close());
    const send = () => client.createMessage(messagesV1.CreateMessageRequest.fromPartial({ channelId: CHANNEL, guildId: GUILD, authorId: '1100000000000000001', content: 'persisted' }));
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).code).toBe(status.NOT_FOUND);
    const store = modules.valueOf(STORE) as Store;
    await store.guilds.createGuild({ id: GUILD, name: 'g', ownerId: '1100000000000000001' });
    await store.guilds.createChannel({ id: CHANNEL, type: 0, guildId: GUILD, name: 'general' });
    const created = await send();
    expect(await store.messages.get(CHANNEL, created.message!.id)).toMatchObject({ content: 'persisted' });
    expect((await client.getHistory({ channelId: CHANNEL, limit: 50, anchor: undefined })).messages.map((m) => m.content)).toEqual(['persisted']);
  });

  it('names a bad snowflake worker id before anything starts', () => {
    expect(() => manager(memoryStoreModule, { CHAT_SNOWFLAKE_WORKER_ID: '32' })).toThrow(ConfigError);
    expect(() => manager(memoryStoreModule, { CHAT_SNOWFLAKE_WORKER_ID: '32' })).toThrow('CHAT_SNOWFLAKE_WORKER_ID');
  });
});
