import type { ConsumerLag } from './bus-metrics';
import { deliver, retryPolicy, settledWithin, type RetryPolicy } from './delivery';
import { BusClosedError } from './errors';
import type { BusHandler, BusHeaders, EventBus, SubscribeOptions, Subscription } from './event-bus.port';
import { publishTraced } from './bus-tracing';
import { checkName, deadLetterTopicOf, DLQ_HEADERS } from './topics';

/** Counts the bus reports, for metrics. */
export interface BusObserver {
  published?(topic: string): void;
  handled?(topic: string, groupId: string): void;
  retried?(topic: string, groupId: string): void;
  deadLettered?(topic: string, groupId: string): void;
  /** A delivery loop failed outside any handler (for example the dead-letter publish); the record stays uncommitted. */
  error?(error: unknown): void;
}

/** Options of {@link MemoryEventBus}. */
export interface MemoryEventBusOptions {
  /** Partitions per topic (records of one key share one). Default 16. */
  partitions?: number;
  /** Records kept per partition when a group lags (or left and may come back); past it the oldest go, as Kafka retention. Default 100000. */
  maxRetainedPerPartition?: number;
  /** Defaults of subscriptions that do not set their own. */
  retry?: Partial<RetryPolicy>;
  observer?: BusObserver;
  /** Default of SubscribeOptions.closeTimeoutMs. Default 10000. */
  closeTimeoutMs?: number;
}

interface StoredRecord {
  key: string;
  value: Uint8Array;
  headers: BusHeaders;
  timestamp: Date;
}

class PartitionLog {
  /** Offset of records[0]. */
  start = 0;
  records: StoredRecord[] = [];
  get end(): number {
    return this.start + this.records.length;
  }
  at(offset: number): StoredRecord | undefined {
    return this.records[offset - this.start];
  }
  dropBefore(offset: number): void {
    const count = Math.min(offset - this.start, this.records.length);
    if (count <= 0) return;
    this.records.splice(0, count);
    this.start += count;
  }
}

interface Member {
  handler: BusHandler;
  policy: RetryPolicy;
  /** Set by close: finish the record in hand, take no new one. */
  leaving: boolean;
  /** Deliveries in progress (at most one per owned partition). */
  inFlight: Set<Promise<boolean>>;
}

class Group {
  readonly members: Member[] = [];
  /** Next offset to deliver, per partition. */
  readonly committed: number[];
  /** Who owns each partition, and the signal that revokes that ownership. */
  readonly owners: (Member | undefined)[];
  readonly leases: AbortController[];
  readonly working: boolean[];

  constructor(
    readonly id: string,
    start: number[],
  ) {
    this.committed = [...start];
    this.owners = start.map(() => undefined);
    this.leases = start.map(() => new AbortController());
    this.working = start.map(() => false);
  }

  /** Spreads partitions over members (round robin); revokes only the partitions whose owner changed. */
  rebalance(): number[] {
    const changed: number[] = [];
    for (let p = 0; p < this.owners.length; p++) {
      const owner = this.members.length ? this.members[p % this.members.length] : undefined;
      if (owner === this.owners[p]) continue;
      this.owners[p] = owner;
      this.leases[p]!.abort();
      this.leases[p] = new AbortController();
      changed.push(p);
    }
    return changed;
  }
}

class TopicLog {
  readonly partitions: PartitionLog[];
  readonly groups = new Map<string, Group>();
  constructor(count: number) {
    this.partitions = Array.from({ length: count }, () => new PartitionLog());
  }
}

/**
 * The embedded event bus: Kafka's semantics (keyed partitions, consumer
 * groups, commit after success, retries, dead-letter topic) in one process,
 * without durability: records live in memory and are gone when the process
 * exits. The default for `--target=all` on one machine.
 */
export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, TopicLog>();
  private readonly partitionCount: number;
  private readonly maxRetained: number;
  private readonly defaults: RetryPolicy;
  private readonly observer: BusObserver;
  private readonly closeTimeoutMs: number;
  private closed = false;

  constructor(options: MemoryEventBusOptions = {}) {
    this.partitionCount = options.partitions ?? 16;
    this.maxRetained = options.maxRetainedPerPartition ?? 100_000;
    this.defaults = { maxAttempts: 5, retryBackoffMs: 100, maxRetryBackoffMs: 5_000, ...options.retry };
    this.observer = options.observer ?? {};
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  async publish(topic: string, key: string, value: Uint8Array, headers: BusHeaders = {}): Promise<void> {
    if (this.closed) throw new BusClosedError('publish');
    checkName('topic', topic);
    const carried: Record<string, string> = { ...headers };
    await publishTraced('memory', topic, key, carried, async () => {
      const log = this.topic(topic);
      const p = partitionOf(key, this.partitionCount);
      const partition = log.partitions[p]!;
      partition.records.push({ key, value: value.slice(), headers: carried, timestamp: new Date() });
      if (partition.records.length > this.maxRetained) partition.dropBefore(partition.end - this.maxRetained);
      this.observer.published?.(topic);
      for (const group of log.groups.values()) this.kick(topic, log, group, p);
    });
  }

  async subscribe(topic: string, groupId: string, handler: BusHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new BusClosedError('subscribe');
    checkName('topic', topic);
    checkName('groupId', groupId);
    const member: Member = { handler, policy: retryPolicy(options, this.defaults), leaving: false, inFlight: new Set() };
    const closeTimeoutMs = options.closeTimeoutMs ?? this.closeTimeoutMs;
    const log = this.topic(topic);
    let group = log.groups.get(groupId);
    if (!group) {
      group = new Group(groupId, log.partitions.map((partition) => (options.fromBeginning ? partition.start : partition.end)));
      log.groups.set(groupId, group);
    }
    const joined = group;
    joined.members.push(member);
    this.reassign(topic, log, joined);
    let left = false;
    return {
      close: async () => {
        if (left) return;
        left = true;
        member.leaving = true;
        await settledWithin([...member.inFlight], closeTimeoutMs);
        const index = joined.members.indexOf(member);
        if (index >= 0) joined.members.splice(index, 1);
        this.reassign(topic, log, joined);
      },
    };
  }

  /** Per topic and consumer group: records published and not yet committed (the queue length). */
  consumerLag(): ConsumerLag[] {
    const out: ConsumerLag[] = [];
    for (const [topic, log] of this.topics) {
      for (const group of log.groups.values()) {
        const lag = log.partitions.reduce((sum, partition, p) => sum + Math.max(0, partition.end - Math.max(group.committed[p]!, partition.start)), 0);
        out.push({ topic, group: group.id, lag });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const log of this.topics.values()) {
      for (const group of log.groups.values()) {
        group.members.length = 0;
        group.rebalance();
      }
    }
  }

  private topic(name: string): TopicLog {
    let log = this.topics.get(name);
    if (!log) {
      log = new TopicLog(this.partitionCount);
      this.topics.set(name, log);
    }
    return log;
  }

  private reassign(topic: string, log: TopicLog, group: Group): void {
    group.rebalance();
    for (let p = 0; p < log.partitions.length; p++) this.kick(topic, log, group, p);
  }

  /** Starts the partition's delivery loop on the next turn unless it is running. */
  private kick(topic: string, log: TopicLog, group: Group, p: number): void {
    if (group.working[p] || !group.owners[p]) return;
    setImmediate(() => {
      this.work(topic, log, group, p).catch((error: unknown) => this.observer.error?.(error));
    });
  }

  private async work(topic: string, log: TopicLog, group: Group, p: number): Promise<void> {
    if (group.working[p]) return;
    group.working[p] = true;
    try {
      for (;;) {
        const member = group.owners[p];
        if (this.closed || !member || member.leaving) return;
        const step = this.step(topic, log, group, p, member);
        member.inFlight.add(step);
        const more = await step.finally(() => member.inFlight.delete(step));
        if (!more) return;
      }
    } finally {
      group.working[p] = false;
    }
  }

  /** Delivers the next record of a partition and commits it; false when there is nothing to deliver. */
  private async step(topic: string, log: TopicLog, group: Group, p: number, member: Member): Promise<boolean> {
    const partition = log.partitions[p]!;
    const lease = group.leases[p]!.signal;
    const offset = Math.max(group.committed[p]!, partition.start);
    group.committed[p] = offset;
    const stored = partition.at(offset);
    if (!stored) return false;
    const record = { topic, partition: p, offset: String(offset), ...stored };
    const outcome = await deliver(record, member.handler, member.policy, lease, () => this.observer.retried?.(topic, group.id));
    if (outcome.kind === 'revoked') return true;
    if (outcome.kind === 'failed') {
      if (this.closed) return false;
      const error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      await this.publish(deadLetterTopicOf(topic), stored.key, stored.value, {
        ...stored.headers,
        [DLQ_HEADERS.topic]: topic,
        [DLQ_HEADERS.partition]: String(p),
        [DLQ_HEADERS.offset]: String(offset),
        [DLQ_HEADERS.group]: group.id,
        [DLQ_HEADERS.attempts]: String(outcome.attempts),
        [DLQ_HEADERS.error]: error.slice(0, 1000),
      });
      this.observer.deadLettered?.(topic, group.id);
    } else {
      this.observer.handled?.(topic, group.id);
    }
    // A lease revoked while the dead letter was being written: the next owner redelivers.
    if (lease.aborted) return true;
    group.committed[p] = offset + 1;
    this.trim(log, p);
    return true;
  }

  /**
   * Drops records every group has committed, 64 at a time so the splice cost
   * stays amortised. (Batches of 1024 per partition kept up to 16,384
   * committed records of a topic alive, which a soak at 5 messages a second
   * took 50 minutes to fill: it read as a leak.)
   */
  private trim(log: TopicLog, p: number): void {
    const partition = log.partitions[p]!;
    let low = partition.end;
    for (const group of log.groups.values()) low = Math.min(low, group.committed[p]!);
    if (low - partition.start >= TRIM_BATCH || low === partition.end) partition.dropBefore(low);
  }
}


/** Committed records dropped per splice. */
const TRIM_BATCH = 64;

/** FNV-1a over the key's UTF-16 code units: stable across processes, so one key always maps to one partition. */
function partitionOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}
