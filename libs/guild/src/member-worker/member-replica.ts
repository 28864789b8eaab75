/**
 * The guild node's side of one guild's replica in a member worker. Seeding
 * posts the members in chunks of 1,000, one event-loop turn apart, so a
 * 100,000-member guild never holds the node's thread for more than one
 * chunk's encoding (entries travel as one JSON string per message: a
 * structured clone of the same objects cost about 13 ms per 1,000 on the
 * dev machine, JSON a fraction of that); after that, every change to the guild's member, user and
 * presence maps marks the user dirty, and dirty users go to the worker
 * before the next listing (or once 1,024 pile up).
 */
import type { ActorLogger } from '@chat/actor';
import type { guildV1 } from '@chat/proto';
import type { GuildData } from '../guild-state';
import { tracked } from './tracked-map';
import type { WorkerSlot } from './worker-slot';
import { encodeEntries, type ReplicaEntry } from './worker-protocol';

const SEED_CHUNK = 1000;
const FLUSH_AT = 1024;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One guild activation's replica in one worker. */
export class MemberReplica {
  /** The slot incarnation the worker copy was seeded on (-1: never). */
  private seededOn = -1;
  private seeding: Promise<void> | undefined;
  private readonly dirty = new Set<string>();
  private tracking = false;
  private closed = false;

  constructor(
    /** Unique per guild activation. */
    readonly key: string,
    /** The guild actor's data; its member, user and presence maps become tracked maps. */
    readonly data: GuildData,
    private readonly slot: WorkerSlot,
    private readonly log: ActorLogger,
  ) {
    const onChange = (userId: string): void => this.changed(userId);
    tracked(data.members, onChange);
    tracked(data.users, onChange);
    tracked(data.presences, onChange);
  }

  /** Lists one page in the worker, seeding it first when it has no current copy. */
  async list(request: guildV1.ListMembersRequest): Promise<guildV1.ListMembersResponse> {
    if (this.seededOn !== this.slot.incarnation || !this.slot.up) {
      this.seeding ??= this.seed().finally(() => (this.seeding = undefined));
      await this.seeding;
    }
    this.flush();
    return this.slot.list(this.key, request);
  }

  /** Stops tracking and frees the worker's copy. */
  close(): void {
    this.closed = true;
    this.tracking = false;
    this.dirty.clear();
    for (const map of [this.data.members, this.data.users, this.data.presences]) {
      if ('listener' in map) (map as { listener: unknown }).listener = undefined;
    }
    this.slot.post({ op: 'drop', key: this.key });
  }

  private async seed(): Promise<void> {
    const incarnation = this.slot.incarnation;
    this.tracking = true;
    this.dirty.clear();
    this.slot.post({ op: 'open', key: this.key, guildId: this.data.guild.id });
    const ids = [...this.data.members.keys()];
    this.log.debug({ guildId: this.data.guild.id, members: ids.length, workerIndex: this.slot.index, incarnation }, 'member worker replica seeding');
    for (let i = 0; i < ids.length; i += SEED_CHUNK) {
      if (i > 0) await nextTurn();
      if (this.closed) return;
      this.slot.post({ op: 'sync', key: this.key, entries: encodeEntries(ids.slice(i, i + SEED_CHUNK).map((id) => this.entry(id))) });
    }
    this.seededOn = incarnation;
  }

  private changed(userId: string): void {
    if (!this.tracking) return;
    this.dirty.add(userId);
    if (this.dirty.size >= FLUSH_AT && this.seeding === undefined && this.seededOn === this.slot.incarnation) this.flush();
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const entries = [...this.dirty].map((id) => this.entry(id));
    this.dirty.clear();
    this.slot.post({ op: 'sync', key: this.key, entries: encodeEntries(entries) });
  }

  /** A user's current state; a non-member is removed from the replica. */
  private entry(userId: string): ReplicaEntry {
    const member = this.data.members.get(userId);
    if (!member) return [userId, null, null, null];
    return [userId, member, this.data.users.get(userId) ?? null, this.data.presences.get(userId) ?? null];
  }
}
