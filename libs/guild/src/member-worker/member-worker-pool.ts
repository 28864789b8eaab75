/**
 * The member worker pool of a guild node: `size` worker threads, each
 * guild's replica on the worker its id hashes to. Listings of guilds with
 * more than `minMembers` members run there, so serialising 1,000 members a
 * page never runs on the thread every guild actor of the node shares.
 */
import { noopActorLogger, type ActorLogger } from '@chat/actor';
import type { guildV1 } from '@chat/proto';
import type { GuildData } from '../guild-state';
import { MemberReplica } from './member-replica';
import { WorkerSlot } from './worker-slot';

/** Options of a member worker pool. */
export interface MemberWorkerPoolOptions {
  /** Worker threads (at least 1; a node without workers has no pool). */
  size: number;
  /** Guilds with more members than this list in a worker. */
  minMembers: number;
  logger?: ActorLogger;
}

/** FNV-1a of a string: spreads guild ids over the workers. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Worker threads that list members of large guilds. */
export class MemberWorkerPool {
  private readonly slots: WorkerSlot[];
  private readonly replicas = new Map<string, MemberReplica>();
  private serial = 0;
  private stopped = false;
  private readonly logger: ActorLogger;

  constructor(private readonly options: MemberWorkerPoolOptions) {
    this.logger = options.logger ?? noopActorLogger;
    this.slots = Array.from({ length: Math.max(1, options.size) }, (_, i) => new WorkerSlot(i, this.logger));
  }

  /**
   * Whether a listing of guild `guildId` with `memberCount` members goes to
   * its worker: a large guild whose worker is up and has loaded its code
   * (while a thread starts or restarts, listings run in-thread rather than
   * wait for it).
   */
  offloads(guildId: string, memberCount: number): boolean {
    return !this.stopped && memberCount > this.options.minMembers && this.slotOf(guildId).isReady;
  }

  /** Lists one page of `data`'s guild in its worker (seeding the worker on first use). */
  list(data: GuildData, request: guildV1.ListMembersRequest): Promise<guildV1.ListMembersResponse> {
    return this.replicaFor(data).list(request);
  }

  /** The worker slot of a guild (tests crash it through this). */
  slotOf(guildId: string): WorkerSlot {
    return this.slots[hash(guildId) % this.slots.length]!;
  }

  /** Number of guilds with a replica. */
  get replicaCount(): number {
    return this.replicas.size;
  }

  /** Resolves once every worker thread has loaded its code (or is down). */
  async whenReady(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.whenReady()));
  }

  /** Frees a guild's replica (its actor stopped). */
  release(guildId: string): void {
    this.replicas.get(guildId)?.close();
    this.replicas.delete(guildId);
  }

  /** Terminates every worker; waiting listings fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const replica of this.replicas.values()) replica.close();
    this.replicas.clear();
    await Promise.all(this.slots.map((slot) => slot.stop()));
  }

  /** The replica of this activation of the guild (a new `data` object means the actor re-activated). */
  private replicaFor(data: GuildData): MemberReplica {
    const guildId = data.guild.id;
    const current = this.replicas.get(guildId);
    if (current?.data === data) return current;
    current?.close();
    this.serial += 1;
    const replica = new MemberReplica(`${guildId}#${this.serial}`, data, this.slotOf(guildId), this.logger);
    this.replicas.set(guildId, replica);
    return replica;
  }
}
