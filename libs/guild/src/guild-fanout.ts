/**
 * The guild actor's state and its fan-out primitive: every stream item gets
 * the next guild sequence, goes into the replay log, and is queued once per
 * gateway node (never once per session) in the node-level outbox.
 */
import type { guildV1 } from '@chat/proto';
import { accessOf, sameAccess, type Access, type GuildData, type GuildStorePorts } from './guild-state';
import type { ReplayLog } from './replay-log';

/** Where the actor's stream items go: the node-level batcher. */
export interface DispatchOutbox {
  /** Queues one item of `guildId` for gateway node `nodeId`. */
  enqueue(nodeId: string, guildId: string, item: guildV1.DispatchItem): void;
  /** Replaces what is queued for (nodeId, guildId) with `items` (a replay that covers them). */
  replace(nodeId: string, guildId: string, items: guildV1.DispatchItem[]): void;
}

/** What the guild actor needs from its node. */
export interface GuildActorDeps {
  store: GuildStorePorts;
  outbox: DispatchOutbox;
  /** Guilds with more members than this attach passive-capable sessions as passive. */
  passiveThreshold: number;
  /** Items kept for cursors. */
  replayCapacity: number;
  /** Members scanned per ListMembers turn. */
  listChunk: number;
  /** Told when the number of attached sessions changes (keeps busy guilds from passivating). */
  onSessionsChanged?(guildId: string, sessions: number): void;
  /** First sequence source; default: Date.now() << 20 so a reactivated guild never reuses sequences. */
  initialSequence?(): bigint;
}

/** One attached session. */
export interface AttachedSession {
  sessionId: string;
  userId: string;
  nodeId: string;
  intents: number;
  allowPassive: boolean;
  mode: guildV1.SessionMode;
  access: Access;
}

/** The actor's state (data is mutated only by this actor's handler). */
export interface GuildState {
  data: GuildData;
  sessions: Map<string, AttachedSession>;
  sequence: bigint;
  log: ReplayLog;
  dedupe: Map<string, string>;
  version: number;
  /** Gateway nodes (with the sequence they came from) already sent this actor's items after a guild move. */
  movedReplays?: Set<string>;
}

/** Assigns the next sequence, logs the item and queues it for `nodes`. */
export function emit(state: GuildState, deps: GuildActorDeps, nodes: Iterable<string>, item: guildV1.DispatchItem['item']): bigint {
  state.sequence += 1n;
  const entry: guildV1.DispatchItem = { sequence: state.sequence.toString(), item };
  state.log.append(entry);
  for (const node of new Set(nodes)) deps.outbox.enqueue(node, state.data.guild.id, entry);
  return state.sequence;
}

/** Gateway nodes with sessions in the guild (optionally of one user). */
export function nodesOf(state: GuildState, userId?: string): string[] {
  const nodes = new Set<string>();
  for (const s of state.sessions.values()) if (userId === undefined || s.userId === userId) nodes.add(s.nodeId);
  return [...nodes];
}

/** Re-computes access of every attached user and emits MemberAccess items for those that changed. */
export function refreshAccess(state: GuildState, deps: GuildActorDeps, onlyUser?: string): void {
  const byUser = new Map<string, AttachedSession[]>();
  for (const s of state.sessions.values()) {
    if (onlyUser !== undefined && s.userId !== onlyUser) continue;
    byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
  }
  for (const [userId, sessions] of byUser) {
    const next = accessOf(state.data, userId);
    if (sessions.every((s) => sameAccess(s.access, next))) continue;
    for (const s of sessions) s.access = next;
    emit(state, deps, sessions.map((s) => s.nodeId), { $case: 'memberAccess', memberAccess: next });
  }
}

