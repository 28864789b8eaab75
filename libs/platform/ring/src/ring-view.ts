import { HashRing, type HashRingOptions, type NodeId, type ReadonlyHashRing } from './hash-ring';
import type { Membership, MembershipChange } from './membership';

/** One change of the ring, as published by {@link RingView}. */
export interface RingChange {
  /** Nodes put on the ring. */
  readonly joined: readonly NodeId[];
  /** Nodes taken off the ring. */
  readonly left: readonly NodeId[];
  /** Nodes whose weight changed. */
  readonly reweighted: readonly NodeId[];
  /** The ring before the change (never changed afterwards). */
  readonly before: ReadonlyHashRing;
  /** The ring after the change (never changed afterwards). */
  readonly after: ReadonlyHashRing;
}

/** A key whose owner differs between two rings. `undefined` stands for "no owner" (an empty ring). */
export interface OwnershipMove {
  /** The key. */
  readonly key: string;
  /** Its owner on the ring before. */
  readonly from: NodeId | undefined;
  /** Its owner on the ring after. */
  readonly to: NodeId | undefined;
}

/** Listener of {@link RingView} changes. Called synchronously; errors it throws are reported, not propagated. */
export type RingListener = (change: RingChange) => void;

/** Options of {@link RingView}: the ring's options plus where listener errors go. */
export interface RingViewOptions extends HashRingOptions {
  /** Receives errors thrown by listeners (default: `process.emitWarning`). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The keys among `keys` whose owner changed in `change`: old owner -> new
 * owner. A guild node passes the guild ids it hosts and hands off the actors
 * whose `from` is itself; a node that gains keys sees itself as `to`.
 */
export function movedKeys(change: Pick<RingChange, 'before' | 'after'>, keys: Iterable<string>): OwnershipMove[] {
  const moves: OwnershipMove[] = [];
  for (const key of keys) {
    const from = change.before.size > 0 ? change.before.owner(key) : undefined;
    const to = change.after.size > 0 ? change.after.owner(key) : undefined;
    if (from !== to) moves.push({ key, from, to });
  }
  return moves;
}

/**
 * A hash ring kept in sync with a {@link Membership}: every membership change
 * becomes a new ring (the old one is kept intact for comparison) and one
 * {@link RingChange} to subscribers. Also answers `owner()` / `owners()` on
 * the latest ring and maps node ids to addresses.
 *
 * Subscribe to the membership's changes happens in the constructor, so create
 * the view before `membership.start()` to see the initial joins as a change.
 */
export class RingView implements ReadonlyHashRing {
  private current: HashRing;
  private readonly addresses = new Map<NodeId, string>();
  private readonly listeners = new Set<RingListener>();
  private readonly unsubscribe: () => void;
  private readonly onError: (error: unknown) => void;

  /** @throws {InvalidRingArgumentError} on bad ring options. */
  constructor(membership: Membership, options: RingViewOptions = {}) {
    const { onError, ...ringOptions } = options;
    this.onError = onError ?? warn;
    const members = membership.members();
    this.current = new HashRing(
      members.map((m) => ({ id: m.id, weight: m.weight ?? 1 })),
      ringOptions,
    );
    for (const m of members) this.addresses.set(m.id, m.address);
    this.unsubscribe = membership.subscribe((change) => this.apply(change));
  }

  /** The latest ring. Each change replaces it with a new object; a ring once handed out never changes. */
  get ring(): ReadonlyHashRing {
    return this.current;
  }

  /** The nodes on the latest ring, sorted by id. */
  get nodes(): readonly NodeId[] {
    return this.current.nodes;
  }

  /** How many nodes are on the latest ring. */
  get size(): number {
    return this.current.size;
  }

  /** True when `node` is on the latest ring. */
  has(node: NodeId): boolean {
    return this.current.has(node);
  }

  /** The weight of `node` on the latest ring. */
  weightOf(node: NodeId): number | undefined {
    return this.current.weightOf(node);
  }

  /** The owner of `key` on the latest ring. Throws {@link EmptyRingError} when it is empty. */
  owner(key: string): NodeId {
    return this.current.owner(key);
  }

  /** Up to `n` distinct nodes for `key` on the latest ring, owner first. */
  owners(key: string, n: number): NodeId[] {
    return this.current.owners(key, n);
  }

  /** The address a member registered, for connecting to the owner of a key. */
  addressOf(node: NodeId): string | undefined {
    return this.addresses.get(node);
  }

  /** Calls `listener` on every ring change from now on; returns the function that unsubscribes it. */
  subscribe(listener: RingListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops following the membership (which it does not stop). */
  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private apply(change: MembershipChange): void {
    const next = this.current.clone();
    const joined: NodeId[] = [];
    const left: NodeId[] = [];
    const reweighted: NodeId[] = [];
    for (const m of change.left) {
      this.addresses.delete(m.id);
      if (next.remove(m.id)) left.push(m.id);
    }
    for (const m of [...change.joined, ...change.updated]) {
      this.addresses.set(m.id, m.address);
      const weight = m.weight ?? 1;
      const had = next.weightOf(m.id);
      if (had === weight) continue;
      if (had !== undefined) next.remove(m.id);
      next.add(m.id, weight);
      (had === undefined ? joined : reweighted).push(m.id);
    }
    if (joined.length + left.length + reweighted.length === 0) return;
    const before = this.current;
    this.current = next;
    const ringChange: RingChange = { joined, left, reweighted, before, after: next };
    for (const listener of [...this.listeners]) {
      try {
        listener(ringChange);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)));
}
