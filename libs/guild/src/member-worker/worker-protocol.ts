/**
 * Messages between a guild node and its member workers. Each replica is
 * named by a key unique to one activation of one guild, so a restarted
 * actor never mixes with the replica of its previous life.
 */
import type { guildV1 } from '@chat/proto';
import type { StoredMember, StoredUser } from '@chat/store';
import type { PresenceRecord } from '../guild-json';

/** One user's current state in a guild; `member: null` removes the user from the replica. */
export type ReplicaEntry = [userId: string, member: StoredMember | null, user: StoredUser | null, presence: PresenceRecord | null];

/** Guild node → worker. */
export type ToWorker =
  /** Starts (or restarts, empty) the replica `key` of guild `guildId`. */
  | { op: 'open'; key: string; guildId: string }
  /** Sets or removes users in a replica (seeding and later changes alike). */
  | { op: 'sync'; key: string; entries: ReplicaEntry[] }
  /** Forgets a replica. */
  | { op: 'drop'; key: string }
  /** Computes one ListMembers page from a replica. */
  | { op: 'list'; id: number; key: string; request: guildV1.ListMembersRequest };

/**
 * Worker → guild node: a page packed into one transferred buffer, members
 * first then presences, cut by `lengths` (members' then presences').
 */
export type FromWorker =
  | {
      op: 'listed';
      id: number;
      bytes: ArrayBuffer;
      memberLengths: number[];
      presenceLengths: number[];
      notFoundUserIds: string[];
      nextAfter: string;
    }
  | { op: 'failed'; id: number; message: string }
  /** Sent once the worker loaded its code. */
  | { op: 'ready' };
