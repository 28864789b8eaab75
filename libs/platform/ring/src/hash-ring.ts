import { DuplicateNodeError, EmptyRingError, InvalidRingArgumentError } from './errors';
import { murmur3 } from './murmur3';

/** A node's id on the ring (a guild node, a voice node, a data-service instance). */
export type NodeId = string;

/** Maps a string to an unsigned 32-bit integer; must be the same on every process. */
export type HashFunction = (key: string) => number;

/** Default virtual nodes per node at weight 1. */
export const DEFAULT_VIRTUAL_NODES = 128;

/** Options of {@link HashRing}. */
export interface HashRingOptions {
  /** Virtual nodes per node at weight 1 (a node of weight w gets round(w * this)). Default 128. */
  readonly virtualNodes?: number;
  /** Hash of keys and virtual-node labels; default {@link murmur3}. Every process must use the same one. */
  readonly hash?: HashFunction;
}

/** A node to put on the ring, with an optional weight (default 1). */
export interface WeightedNode {
  /** The node's id. */
  readonly id: NodeId;
  /** Relative capacity: a node of weight 2 gets about twice the keys of a node of weight 1. */
  readonly weight?: number;
}

/** The read side of a ring: what routing code needs. */
export interface ReadonlyHashRing {
  /** The nodes on the ring, sorted by id. */
  readonly nodes: readonly NodeId[];
  /** How many nodes are on the ring. */
  readonly size: number;
  /** True when `node` is on the ring. */
  has(node: NodeId): boolean;
  /** The weight `node` was added with, or undefined when it is not on the ring. */
  weightOf(node: NodeId): number | undefined;
  /** The node that owns `key`. Throws {@link EmptyRingError} on an empty ring. */
  owner(key: string): NodeId;
  /** Up to `n` distinct nodes for `key`, owner first (for replicas); fewer when the ring has fewer nodes. */
  owners(key: string, n: number): NodeId[];
}

/**
 * A consistent hash ring with virtual nodes.
 *
 * Each node is hashed to `virtualNodes * weight` points on a 32-bit circle
 * (labels `"<id>#<i>"`); a key belongs to the first point at or after its
 * hash, wrapping around. Adding a node therefore takes keys only onto the
 * new node, and removing one moves only that node's keys. Placement depends
 * only on the set of (node, weight) pairs and the options, never on the
 * order nodes were added, so every process computes the same owners.
 * Equal points (32-bit collisions) are ordered by node id.
 *
 * `owner()` is a hash of the key plus a binary search over a typed array;
 * see the README for its measured cost.
 */
export class HashRing implements ReadonlyHashRing {
  /** Virtual nodes per node at weight 1. */
  readonly virtualNodes: number;
  private readonly hash: HashFunction;
  private readonly weights = new Map<NodeId, number>();
  private readonly pointsByNode = new Map<NodeId, Uint32Array>();
  private nodeList: NodeId[] = [];
  private positions = new Uint32Array(0);
  private pointOwner = new Uint32Array(0);

  /**
   * @param nodes the initial nodes (ids, or ids with weights).
   * @throws {InvalidRingArgumentError} on a bad option, node id or weight.
   * @throws {DuplicateNodeError} when a node is listed twice.
   */
  constructor(nodes: Iterable<NodeId | WeightedNode> = [], options: HashRingOptions = {}) {
    const virtualNodes = options.virtualNodes ?? DEFAULT_VIRTUAL_NODES;
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1 || virtualNodes > 65_536) {
      throw new InvalidRingArgumentError('virtualNodes', virtualNodes, 'an integer in 1..65536');
    }
    this.virtualNodes = virtualNodes;
    this.hash = options.hash ?? murmur3;
    for (const node of nodes) {
      if (typeof node === 'string') this.insert(node, 1);
      else this.insert(node.id, node.weight ?? 1);
    }
    this.rebuild();
  }

  /** The nodes on the ring, sorted by id. */
  get nodes(): readonly NodeId[] {
    return this.nodeList;
  }

  /** How many nodes are on the ring. */
  get size(): number {
    return this.nodeList.length;
  }

  /** True when `node` is on the ring. */
  has(node: NodeId): boolean {
    return this.weights.has(node);
  }

  /** The weight `node` was added with, or undefined when it is not on the ring. */
  weightOf(node: NodeId): number | undefined {
    return this.weights.get(node);
  }

  /**
   * Puts `node` on the ring with `weight` (default 1).
   *
   * @throws {DuplicateNodeError} when it is already there.
   * @throws {InvalidRingArgumentError} on an empty id or a weight that is not positive and finite.
   */
  add(node: NodeId, weight = 1): void {
    this.insert(node, weight);
    this.rebuild();
  }

  /** Takes `node` off the ring; returns false when it was not on it. */
  remove(node: NodeId): boolean {
    if (!this.weights.delete(node)) return false;
    this.pointsByNode.delete(node);
    this.rebuild();
    return true;
  }

  /**
   * The node that owns `key`.
   *
   * @throws {EmptyRingError} when the ring has no nodes.
   */
  owner(key: string): NodeId {
    if (this.positions.length === 0) throw new EmptyRingError(key);
    return this.nodeList[this.pointOwner[this.firstPointAtOrAfter(this.hash(key))]!]!;
  }

  /**
   * Up to `n` distinct nodes for `key`: the owner, then the next distinct
   * nodes clockwise (where replicas go, and where the key moves if the owner
   * leaves). Returns `min(n, size)` nodes; `[]` on an empty ring.
   *
   * @throws {InvalidRingArgumentError} when `n` is not a non-negative integer.
   */
  owners(key: string, n: number): NodeId[] {
    if (!Number.isInteger(n) || n < 0) throw new InvalidRingArgumentError('n', n, 'a non-negative integer');
    const want = Math.min(n, this.nodeList.length);
    const result: NodeId[] = [];
    if (want === 0) return result;
    const total = this.positions.length;
    const taken = new Uint8Array(this.nodeList.length);
    let i = this.firstPointAtOrAfter(this.hash(key));
    for (let steps = 0; steps < total && result.length < want; steps++) {
      const owner = this.pointOwner[i]!;
      if (taken[owner] === 0) {
        taken[owner] = 1;
        result.push(this.nodeList[owner]!);
      }
      i = i + 1 === total ? 0 : i + 1;
    }
    return result;
  }

  /** An independent copy (same nodes, weights and options) that can be changed without affecting this one. */
  clone(): HashRing {
    const copy = new HashRing([], { virtualNodes: this.virtualNodes, hash: this.hash });
    for (const [node, weight] of this.weights) copy.weights.set(node, weight);
    for (const [node, points] of this.pointsByNode) copy.pointsByNode.set(node, points);
    copy.nodeList = this.nodeList;
    copy.positions = this.positions;
    copy.pointOwner = this.pointOwner;
    return copy;
  }

  private firstPointAtOrAfter(h: number): number {
    const positions = this.positions;
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === positions.length ? 0 : lo;
  }

  private insert(node: NodeId, weight: number): void {
    if (typeof node !== 'string' || node.length === 0) {
      throw new InvalidRingArgumentError('node', node, 'a non-empty string');
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw new InvalidRingArgumentError('weight', weight, 'a positive finite number');
    }
    if (this.weights.has(node)) throw new DuplicateNodeError(node);
    const count = Math.max(1, Math.round(this.virtualNodes * weight));
    const points = new Uint32Array(count);
    for (let i = 0; i < count; i++) points[i] = this.hash(`${node}#${i}`) >>> 0;
    this.weights.set(node, weight);
    this.pointsByNode.set(node, points);
  }

  /** Lays all points out sorted by (position, node id); the arrays are replaced, never mutated. */
  private rebuild(): void {
    const nodes = [...this.weights.keys()].sort();
    let total = 0;
    for (const node of nodes) total += this.pointsByNode.get(node)!.length;
    const rawPositions = new Uint32Array(total);
    const rawOwners = new Uint32Array(total);
    let k = 0;
    nodes.forEach((node, index) => {
      for (const p of this.pointsByNode.get(node)!) {
        rawPositions[k] = p;
        rawOwners[k] = index;
        k += 1;
      }
    });
    const order = Array.from({ length: total }, (_, i) => i);
    order.sort((a, b) => rawPositions[a]! - rawPositions[b]! || rawOwners[a]! - rawOwners[b]!);
    const positions = new Uint32Array(total);
    const pointOwner = new Uint32Array(total);
    order.forEach((from, to) => {
      positions[to] = rawPositions[from]!;
      pointOwner[to] = rawOwners[from]!;
    });
    this.nodeList = Object.freeze(nodes) as NodeId[];
    this.positions = positions;
    this.pointOwner = pointOwner;
  }
}
