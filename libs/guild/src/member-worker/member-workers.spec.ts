import type { ActorLogger } from '@chat/actor';
import type { guildV1 } from '@chat/proto';
import { RingView, StaticMembership } from '@chat/ring';
import { afterEach, describe, expect, it } from 'vitest';
import { actorId, GuildNode } from '../guild-node';
import type { PresenceRecord } from '../guild-json';
import { LargeGuildStore, memberIdOf } from './testing/large-guild-store';

const BIG = '7001';
const OTHER = '7002';
const nodes: GuildNode[] = [];

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

function create(store: LargeGuildStore, memberWorkers: number, logger?: ActorLogger, idleTimeoutMs?: number): GuildNode {
  const ring = new RingView(new StaticMembership([{ id: 'guild-a', address: 'a:1' }]));
  const node = new GuildNode({
    nodeId: 'guild-a', ring, store, memberWorkers, workerMinMembers: 100, askTimeoutMs: 60_000,
    ...(logger ? { logger } : {}),
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
  });
  nodes.push(node);
  return node;
}

/** A node whose worker threads (if any) have loaded their code. */
async function start(store: LargeGuildStore, memberWorkers: number, logger?: ActorLogger): Promise<GuildNode> {
  const node = create(store, memberWorkers, logger);
  await node.memberWorkers?.whenReady();
  return node;
}

function request(guildId: string, fields: Partial<guildV1.ListMembersRequest>): guildV1.ListMembersRequest {
  return { guildId, query: '', limit: 1000, after: '', userIds: [], includePresences: false, ...fields };
}

const list = (node: GuildNode, req: guildV1.ListMembersRequest) =>
  node.ask<guildV1.ListMembersResponse>(req.guildId, (reply) => ({ type: 'list-members', request: req, reply }));

/** A response as comparable text (Buffers → strings). */
function text(r: guildV1.ListMembersResponse) {
  return { members: r.membersJson.map(String), presences: r.presencesJson.map(String), notFound: r.notFoundUserIds, nextAfter: r.nextAfter };
}

/** Every page of a listing, following next_after. */
async function walk(node: GuildNode, req: guildV1.ListMembersRequest, raw: guildV1.ListMembersResponse[] = []): Promise<ReturnType<typeof text>[]> {
  const pages = [];
  let after = req.after;
  for (;;) {
    const page = await list(node, { ...req, after });
    raw.push(page);
    pages.push(text(page));
    if (page.nextAfter === '') return pages;
    after = page.nextAfter;
  }
}

const online: PresenceRecord = { status: 'online', activities: [{ name: 'chess', type: 0 }], clientStatus: { desktop: 'online' } };
const invisible: PresenceRecord = { status: 'invisible', activities: [], clientStatus: { web: 'invisible' } };

/** Whether a page came from a worker: its buffers are views on one transferred buffer of exactly the page's size. */
function fromWorker(r: guildV1.ListMembersResponse): boolean {
  const parts = [...r.membersJson, ...r.presencesJson];
  const buffers = new Set(parts.map((b) => b.buffer));
  const [only] = buffers;
  return buffers.size === 1 && only!.byteLength === parts.reduce((n, b) => n + b.length, 0);
}

function capture(): ActorLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const drop = () => undefined;
  return { warnings, debug: drop, info: drop, error: (_f, m) => warnings.push(m), warn: (_f, m) => warnings.push(m) };
}

describe('member workers', () => {
  it('answer every kind of listing with the same bytes as the in-thread path, before and after changes', async () => {
    const store = new LargeGuildStore();
    store.addGuild(BIG, 2500);
    const off = await start(store, 0);
    const logger = capture();
    const on = await start(store, 1, logger);
    expect(off.memberWorkers).toBeUndefined();
    const requests = [
      request(BIG, {}),
      request(BIG, { limit: 0 }),
      request(BIG, { limit: 7, after: memberIdOf(BIG, 1000) }),
      request(BIG, { query: 'user1', limit: 1000 }),
      request(BIG, { query: 'NICK2', limit: 50 }),
      request(BIG, { query: 'global', limit: 1000, includePresences: true }),
      request(BIG, { query: 'nobody', limit: 1000 }),
      request(BIG, { userIds: [memberIdOf(BIG, 9), memberIdOf(BIG, 3), '42', memberIdOf(BIG, 9), memberIdOf(BIG, 2400)], includePresences: true }),
      request(BIG, { limit: 1000, includePresences: true }),
    ];
    const compare = async () => {
      for (const req of requests) expect(await walk(on, req)).toEqual(await walk(off, req));
    };
    for (const node of [off, on]) {
      for (const i of [3, 10, 600, 2400]) await node.ask<void>(BIG, (reply) => ({ type: 'presence', userId: memberIdOf(BIG, i), presence: online, reply }));
      await node.ask<void>(BIG, (reply) => ({ type: 'presence', userId: memberIdOf(BIG, 9), presence: invisible, reply }));
    }
    await compare();
    expect((await list(on, request(BIG, { limit: 1000 }))).membersJson).toHaveLength(1000);
    expect(on.memberWorkers?.replicaCount).toBe(1);

    // Changes after the worker was seeded: a new member, a renamed member, a removed member, presences on and off.
    store.putMember(BIG, 2600, 'user1-late');
    store.putMember(BIG, 11, 'renamed');
    store.removeMember(BIG, 12);
    for (const node of [off, on]) {
      for (const i of [2600, 11, 12]) {
        const payloadJson = Buffer.from(JSON.stringify({ guild_id: BIG, user: { id: memberIdOf(BIG, i) } }));
        const type = i === 12 ? 'GUILD_MEMBER_REMOVE' : i === 2600 ? 'GUILD_MEMBER_ADD' : 'GUILD_MEMBER_UPDATE';
        await node.ask(BIG, (reply) => ({ type: 'publish', dedupeKey: '', dispatch: { type, payloadJson, redactedPayloadJson: Buffer.alloc(0) }, reply }));
      }
      await node.ask<void>(BIG, (reply) => ({ type: 'presence', userId: memberIdOf(BIG, 2600), presence: online, reply }));
      await node.ask<void>(BIG, (reply) => ({ type: 'presence', userId: memberIdOf(BIG, 600), presence: { ...online, status: 'offline' }, reply }));
    }
    requests.push(request(BIG, { userIds: [memberIdOf(BIG, 12), memberIdOf(BIG, 2600), memberIdOf(BIG, 11)], includePresences: true }));
    requests.push(request(BIG, { query: 'renamed' }));
    await compare();
    const renamed = await list(on, request(BIG, { query: 'renamed' }));
    expect(renamed.membersJson.map((b) => (JSON.parse(String(b)) as { nick: string }).nick)).toEqual(['renamed']);
    expect(fromWorker(renamed)).toBe(true);
    expect(logger.warnings).toEqual([]);
  });

  it('keep the guild actor and the node answering while a 100,000-member listing runs in a worker', async () => {
    const store = new LargeGuildStore();
    store.addGuild(BIG, 100_000);
    store.addGuild(OTHER, 10);
    const node = await start(store, 1);
    await node.ask(BIG, (reply) => ({ type: 'get-guild', reply }));
    const events: string[] = [];
    const raw: guildV1.ListMembersResponse[] = [];
    const listing = walk(node, request(BIG, {}), raw).then((pages) => {
      events.push('listing');
      return pages;
    });
    const asks = (async () => {
      // The first page waits for the worker's copy of 100,000 members: asks on both guilds answer meanwhile.
      for (let i = 0; i < 5; i += 1) {
        const same = await node.ask<guildV1.GetPermissionsResponse>(BIG, (reply) => ({ type: 'get-permissions', userId: memberIdOf(BIG, 2), reply }));
        expect(same.member).toBe(true);
        const other = await node.ask<guildV1.GetPermissionsResponse>(OTHER, (reply) => ({ type: 'get-permissions', userId: memberIdOf(OTHER, 2), reply }));
        expect(other.member).toBe(true);
        events.push('asks');
      }
    })();
    const [pages] = await Promise.all([listing, asks]);
    expect(events.slice(0, 5)).toEqual(['asks', 'asks', 'asks', 'asks', 'asks']);
    expect(pages).toHaveLength(100);
    expect(raw.every(fromWorker)).toBe(true);
    expect(pages.flatMap((p) => p.members)).toHaveLength(100_000);
    expect(JSON.parse(pages[99]!.members[999]!)).toMatchObject({ user: { id: memberIdOf(BIG, 100_000), username: 'user100000' } });
  }, 120_000);

  it('falls back to the in-thread path when the worker dies mid-listing, and replaces the worker', async () => {
    const store = new LargeGuildStore();
    store.addGuild(BIG, 3000);
    const logger = capture();
    const node = await start(store, 1, logger);
    const off = await start(store, 0);
    const slot = node.memberWorkers!.slotOf(BIG);
    const expected = text(await list(off, request(BIG, { query: 'user2' })));
    expect(text(await list(node, request(BIG, { query: 'user2' })))).toEqual(expected);
    expect(logger.warnings).toEqual([]);

    slot.crashForTest();
    const during = await list(node, request(BIG, { query: 'user2' }));
    expect(text(during)).toEqual(expected);
    expect(logger.warnings).toContain('member worker listing failed; listing in-thread');
    expect(slot.incarnation).toBe(1);
    expect(slot.up).toBe(true);

    // The replacement gets a fresh copy and answers without falling back.
    await slot.whenReady();
    const warnings = logger.warnings.length;
    const after = await list(node, request(BIG, { query: 'user2' }));
    expect(fromWorker(after)).toBe(true);
    expect(text(after)).toEqual(expected);
    expect(logger.warnings.slice(warnings).filter((w) => w.includes('listing in-thread'))).toEqual([]);
  }, 60_000);

  it('list in-thread while the worker is still loading its code, instead of waiting for it', async () => {
    const store = new LargeGuildStore();
    store.addGuild(BIG, 500);
    const node = create(store, 1);
    const off = await start(store, 0);
    const slot = node.memberWorkers!.slotOf(BIG);
    expect(slot.isReady).toBe(false);
    const early = await list(node, request(BIG, { query: 'user4' }));
    expect(fromWorker(early)).toBe(false);
    expect(text(early)).toEqual(text(await list(off, request(BIG, { query: 'user4' }))));
    await slot.whenReady();
    const later = await list(node, request(BIG, { query: 'user4' }));
    expect(fromWorker(later)).toBe(true);
    expect(text(later)).toEqual(text(early));
  }, 60_000);

  it('free the replica when the guild passivates, and copy the guild again on its next activation', async () => {
    const store = new LargeGuildStore();
    store.addGuild(BIG, 1500);
    const node = create(store, 1, undefined, 1000);
    await node.memberWorkers!.whenReady();
    expect(fromWorker(await list(node, request(BIG, { limit: 10 })))).toBe(true);
    expect(node.memberWorkers!.replicaCount).toBe(1);
    await node.system.get(actorId(BIG))!.whenStopped();
    await new Promise((resolve) => setImmediate(resolve));
    expect(node.memberWorkers!.replicaCount).toBe(0);
    store.putMember(BIG, 1600, 'late');
    const again = await list(node, request(BIG, { query: 'late' }));
    expect(fromWorker(again)).toBe(true);
    expect(again.membersJson).toHaveLength(1);
    expect(node.memberWorkers!.replicaCount).toBe(1);
  }, 60_000);

  it('terminates its workers when the node stops; a listing in flight fails instead of hanging', async () => {
    const store = new LargeGuildStore();
    store.addGuild(BIG, 20_000);
    const node = await start(store, 2);
    const slot = node.memberWorkers!.slotOf(BIG);
    expect(slot.up).toBe(true);
    const outcome = list(node, request(BIG, {})).then(
      () => 'answered',
      (error: unknown) => `failed: ${(error as Error).name}`,
    );
    // One turn: the actor has handed the listing over; the worker's copy of 20,000 members is still being posted.
    await new Promise((resolve) => setImmediate(resolve));
    await node.stop();
    expect(slot.up).toBe(false);
    expect(await outcome).toMatch(/^failed/);
  }, 60_000);
});
