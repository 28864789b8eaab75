/**
 * The worker side: every guild replica this worker holds, kept current by
 * `sync` messages, answering `list` with the same page code the guild actor
 * runs in-thread.
 */
import type { StoredMember, StoredUser } from '@chat/store';
import type { PresenceRecord } from '../guild-json';
import { compareSnowflakes } from '../ids';
import { advancePage, startProgress, type MemberSource } from './member-page';
import { decodeEntries, type FromWorker, type ReplicaEntry, type ToWorker } from './worker-protocol';

class Replica implements MemberSource {
  readonly members = new Map<string, StoredMember>();
  readonly users = new Map<string, StoredUser>();
  readonly presences = new Map<string, PresenceRecord>();
  private sorted: string[] | undefined;

  constructor(readonly guildId: string) {}

  apply([userId, member, user, presence]: ReplicaEntry): void {
    if (member === null) {
      if (this.members.delete(userId)) this.sorted = undefined;
    } else {
      if (!this.members.has(userId)) this.sorted = undefined;
      this.members.set(userId, member);
    }
    if (user === null) this.users.delete(userId);
    else this.users.set(userId, user);
    if (presence === null) this.presences.delete(userId);
    else this.presences.set(userId, presence);
  }

  sortedIds(): readonly string[] {
    this.sorted ??= [...this.members.keys()].sort(compareSnowflakes);
    return this.sorted;
  }
}

/** A reply and the buffers to transfer with it. */
export interface Outgoing {
  message: FromWorker;
  transfer: ArrayBuffer[];
}

/** Packs buffers into one fresh ArrayBuffer (never Node's shared pool, which must not be transferred). */
function pack(parts: readonly Buffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out.buffer;
}

/** Every replica of one worker. */
export class ReplicaSet {
  private readonly replicas = new Map<string, Replica>();

  /** Number of replicas held. */
  get size(): number {
    return this.replicas.size;
  }

  /** Handles one message; returns the reply to post, if any. */
  handle(message: ToWorker): Outgoing | undefined {
    switch (message.op) {
      case 'open':
        this.replicas.set(message.key, new Replica(message.guildId));
        return undefined;
      case 'sync': {
        const replica = this.replicas.get(message.key);
        if (replica) for (const entry of decodeEntries(message.entries)) replica.apply(entry);
        return undefined;
      }
      case 'drop':
        this.replicas.delete(message.key);
        return undefined;
      case 'list': {
        const replica = this.replicas.get(message.key);
        if (!replica) return { message: { op: 'failed', id: message.id, message: `no replica ${message.key} in this worker` }, transfer: [] };
        const page = advancePage(replica, startProgress(message.request), Number.POSITIVE_INFINITY)!;
        const bytes = pack([...page.membersJson, ...page.presencesJson]);
        return {
          message: {
            op: 'listed',
            id: message.id,
            bytes,
            memberLengths: page.membersJson.map((b) => b.length),
            presenceLengths: page.presencesJson.map((b) => b.length),
            notFoundUserIds: page.notFoundUserIds,
            nextAfter: page.nextAfter,
          },
          transfer: [bytes],
        };
      }
    }
  }
}
