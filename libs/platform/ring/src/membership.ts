import { InvalidRingArgumentError } from './errors';
import type { NodeId } from './hash-ring';

/** One member of a cluster: a node that takes a share of the ring. */
export interface Member {
  /** Unique, stable id of the node; the ring places keys on it. */
  readonly id: NodeId;
  /** Where to reach it (e.g. `10.0.0.5:50051`). */
  readonly address: string;
  /** Relative capacity on the ring; default 1. */
  readonly weight?: number;
}

/** One change of the member list, as published to subscribers. */
export interface MembershipChange {
  /** Members that appeared. */
  readonly joined: readonly Member[];
  /** Members that went away (stopped, crashed and their lease expired, or removed from config). */
  readonly left: readonly Member[];
  /** Members whose address or weight changed (same id). */
  readonly updated: readonly Member[];
  /** The whole list after the change, sorted by id. */
  readonly members: readonly Member[];
}

/** Receives membership changes. Called synchronously; errors it throws are reported, not propagated. */
export type MembershipListener = (change: MembershipChange) => void;

/**
 * Who is in the cluster right now, and every change to that. A
 * {@link RingView} turns it into a hash ring.
 */
export interface Membership {
  /** The current members, sorted by id. */
  members(): readonly Member[];
  /** Calls `listener` on every change from now on; returns the function that unsubscribes it. */
  subscribe(listener: MembershipListener): () => void;
  /** Joins / starts watching. Resolves once `members()` reflects the cluster. */
  start(): Promise<void>;
  /** Leaves / stops watching. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Checks a member record and returns a normalized copy.
 *
 * @throws {InvalidRingArgumentError} on an empty or '/'-containing id, a non-string address or a bad weight.
 */
export function validateMember(member: Member): Member {
  if (typeof member?.id !== 'string' || member.id.length === 0 || member.id.includes('/')) {
    throw new InvalidRingArgumentError('member.id', member?.id, "a non-empty string without '/'");
  }
  if (typeof member.address !== 'string') {
    throw new InvalidRingArgumentError('member.address', member.address, 'a string');
  }
  if (member.weight !== undefined && !(Number.isFinite(member.weight) && member.weight > 0)) {
    throw new InvalidRingArgumentError('member.weight', member.weight, 'a positive finite number');
  }
  return member.weight === undefined
    ? { id: member.id, address: member.address }
    : { id: member.id, address: member.address, weight: member.weight };
}

/**
 * The member list behind a {@link Membership}: holds members by id, computes
 * the change each update makes and publishes non-empty changes to
 * subscribers. Shared by the implementations; exported for custom ones.
 */
export class MemberSet {
  private readonly byId = new Map<NodeId, Member>();
  private readonly listeners = new Set<MembershipListener>();

  /** @param onListenerError receives errors thrown by listeners. */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** The current members, sorted by id. */
  list(): Member[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The member with `id`, if present. */
  get(id: NodeId): Member | undefined {
    return this.byId.get(id);
  }

  /** Adds a listener; returns its unsubscribe function. */
  subscribe(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Adds or updates one member and publishes the change, if any. */
  put(member: Member): void {
    const previous = this.byId.get(member.id);
    if (previous && sameMember(previous, member)) return;
    this.byId.set(member.id, member);
    this.publish(previous ? [] : [member], [], previous ? [member] : []);
  }

  /** Removes one member and publishes the change, if it was present. */
  delete(id: NodeId): void {
    const previous = this.byId.get(id);
    if (!previous) return;
    this.byId.delete(id);
    this.publish([], [previous], []);
  }

  /** Replaces the whole list and publishes the difference as one change, if any. */
  replace(members: Iterable<Member>): void {
    const next = new Map<NodeId, Member>();
    for (const m of members) next.set(m.id, m);
    const joined: Member[] = [];
    const left: Member[] = [];
    const updated: Member[] = [];
    for (const [id, m] of next) {
      const previous = this.byId.get(id);
      if (!previous) joined.push(m);
      else if (!sameMember(previous, m)) updated.push(m);
    }
    for (const [id, m] of this.byId) if (!next.has(id)) left.push(m);
    this.byId.clear();
    for (const [id, m] of next) this.byId.set(id, m);
    this.publish(joined, left, updated);
  }

  private publish(joined: Member[], left: Member[], updated: Member[]): void {
    if (joined.length + left.length + updated.length === 0) return;
    const byId = (a: Member, b: Member) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const change: MembershipChange = {
      joined: joined.sort(byId),
      left: left.sort(byId),
      updated: updated.sort(byId),
      members: this.list(),
    };
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

function sameMember(a: Member, b: Member): boolean {
  return a.address === b.address && (a.weight ?? 1) === (b.weight ?? 1);
}
