/**
 * Data-service nodes fail over like guild nodes (issue #12): two real
 * apps/data-service processes over one shared store, a caller routing on the
 * health-probed data ring. SIGKILL the owner of half the channels: its
 * channels are written through the survivor within the failover bound, and
 * when it comes back they move back to it; every message that was accepted
 * is in history exactly once, whoever wrote it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@chat/store';
import { freePort } from '@chat/testing';
import { messagesV1 } from '@chat/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { dataRingMembership } from './data-ring';
import { MessagesRouter } from './messages-router';
import { startDataService, type DataServiceProcess } from './test-data-service-process';


const PROBE_MS = 200;
const PROBE_FAILURES = 3;
const AUTHOR = '1100000000000000001';

describe('data-service failover on the probed ring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-data-failover-'));
  const path = join(dir, 'shared.db');
  const channels = Array.from({ length: 16 }, (_, i) => String(1300000000000000000n + BigInt(i) * 4194304n));
  const processes: DataServiceProcess[] = [];
  let router: MessagesRouter | undefined;

  afterAll(async () => {
    router?.close();
    await Promise.all(processes.map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (nodeId: string, worker: string, port = 0): Promise<DataServiceProcess> => {
    const started = await startDataService(nodeId, { CHAT_SNOWFLAKE_WORKER_ID: worker, CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: path, CHAT_DATA_NODE_ID: nodeId, CHAT_GRPC_PORT: String(port) });
    processes.push(started);
    return started;
  };

  it('serves a dead node\'s channels from the survivor within the bound, then hands them back, losing and doubling nothing', async () => {
    const store = await openStore({ backend: 'sqlite', path });
    await store.guilds.createGuild({ id: '1100000000000000000', name: 'failover', ownerId: AUTHOR });
    for (const channelId of channels) await store.guilds.createChannel({ id: channelId, type: 0, guildId: '1100000000000000000', name: `c-${channelId}` });
    await store.close();

    const portA = await freePort();
    const a = await start('ds-a', '1', portA);
    const b = await start('ds-b', '2');
    const members = [
      { id: 'ds-a', address: a.grpc },
      { id: 'ds-b', address: b.grpc },
    ];
    router = new MessagesRouter({ membership: dataRingMembership(members, { dataRingMembership: 'probe', dataRingProbeMs: PROBE_MS, dataRingProbeFailures: PROBE_FAILURES }) });
    await router.start();
    const r = router;
    const onA = channels.filter((c) => r.ownerOf(c) === 'ds-a');
    expect(onA.length).toBeGreaterThan(0);
    expect(onA.length).toBeLessThan(channels.length);

    const accepted = new Map<string, string[]>(channels.map((c) => [c, []]));
    const send = async (channelId: string, content: string): Promise<boolean> => {
      try {
        const { message } = await r.createMessage(messagesV1.CreateMessageRequest.fromPartial({ channelId, authorId: AUTHOR, content }), { timeoutMs: 1_000 });
        accepted.get(channelId)!.push(message!.id);
        return true;
      } catch {
        return false;
      }
    };
    for (const channelId of channels) expect(await send(channelId, 'before')).toBe(true);

    // ds-a dies; keep writing to one of its channels until the survivor takes it.
    await a.kill();
    const killedAt = Date.now();
    let takenOverAfterMs: number | undefined;
    for (let i = 0; takenOverAfterMs === undefined && Date.now() - killedAt < 10_000; i++) {
      if (await send(onA[0]!, `during ${i}`)) takenOverAfterMs = Date.now() - killedAt;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`taken over after ${takenOverAfterMs} ms`);
    expect(takenOverAfterMs).toBeDefined();
    // Probe interval x failures, plus one interval of slack for the round in flight.
    expect(takenOverAfterMs!).toBeLessThanOrEqual(PROBE_MS * (PROBE_FAILURES + 1) + 500);
    expect(r.ownerOf(onA[0]!)).toBe('ds-b');
    for (const channelId of channels) expect(await send(channelId, 'while ds-a is down')).toBe(true);

    // ds-a comes back at its address; it rejoins after two good probes and gets its channels back.
    await start('ds-a', '3', portA);
    const returned = Date.now();
    while (r.ownerOf(onA[0]!) !== 'ds-a' && Date.now() - returned < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onA.every((c) => r.ownerOf(c) === 'ds-a')).toBe(true);
    for (const channelId of channels) expect(await send(channelId, 'after')).toBe(true);

    for (const channelId of channels) {
      const page = await r.getHistory({ channelId, limit: 100, anchor: undefined });
      const ids = page.messages.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...accepted.get(channelId)!].sort());
    }
  }, 60_000);
});
