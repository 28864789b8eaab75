/**
 * Consumer lag as a Prometheus gauge per topic and consumer group: records
 * published and not yet committed by the group. Kafka: the partition's high
 * watermark minus the group's committed offset, summed over partitions
 * (asked from the admin client at scrape time). Memory bus: the group's queue
 * length. Lag that keeps growing means consumers fall behind producers.
 */
import type { Admin } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

/** Lag of one consumer group on one topic. */
export interface ConsumerLag {
  readonly topic: string;
  readonly group: string;
  /** Records published and not yet committed by the group (all partitions). */
  readonly lag: number;
}

/** Anything that can tell its consumer lag (both bus adapters). */
export interface ConsumerLagSource {
  consumerLag(): ConsumerLag[] | Promise<ConsumerLag[]>;
}

/** One subscription whose lag to ask Kafka about. */
export interface LagSubscription {
  readonly topic: string;
  readonly groupId: string;
}

/**
 * Asks Kafka for the lag of each distinct (topic, group): per partition
 * `high - committed`, or `high - low` for a partition the group never
 * committed (offsets are 64-bit decimal strings: summed as bigint).
 */
export async function kafkaConsumerLag(admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>, subscriptions: Iterable<LagSubscription>): Promise<ConsumerLag[]> {
  const distinct = new Map<string, LagSubscription>();
  for (const s of subscriptions) distinct.set(`${s.topic}\u0000${s.groupId}`, s);
  const out: ConsumerLag[] = [];
  for (const { topic, groupId } of distinct.values()) {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const committedOf = new Map<number, string>();
    for (const entry of committed) if (entry.topic === topic) for (const p of entry.partitions) committedOf.set(p.partition, p.offset);
    let lag = 0n;
    for (const end of ends) {
      const high = BigInt(end.high);
      const at = committedOf.get(end.partition);
      const from = at === undefined || BigInt(at) < 0n ? BigInt(end.low) : BigInt(at);
      if (high > from) lag += high - from;
    }
    out.push({ topic, group: groupId, lag: Number(lag) });
  }
  return out;
}

const sourcesByRegistry = new WeakMap<Registry, Set<ConsumerLagSource>>();

/**
 * Reports `source`'s consumer lag as `chat_bus_consumer_lag{topic,group}` at
 * every scrape (the gauge is created on the first call per registry).
 * A source that fails to answer is skipped for that scrape. Returns a
 * function that stops reading this source.
 */
export function registerBusMetrics(registry: Registry, source: ConsumerLagSource): () => void {
  let sources = sourcesByRegistry.get(registry);
  if (sources === undefined) {
    const owned = new Set<ConsumerLagSource>();
    sources = owned;
    sourcesByRegistry.set(registry, owned);
    new Gauge({
      name: 'chat_bus_consumer_lag',
      help: 'Records published and not yet committed, by topic and consumer group (Kafka: high watermark - committed offset; memory bus: queue length)',
      labelNames: ['topic', 'group'],
      registers: [registry],
      async collect() {
        const answers = await Promise.allSettled([...owned].map(async (s) => s.consumerLag()));
        this.reset();
        for (const answer of answers) {
          if (answer.status !== 'fulfilled') continue;
          for (const { topic, group, lag } of answer.value) this.inc({ topic, group }, lag);
        }
      },
    });
  }
  sources.add(source);
  const owned = sources;
  return () => {
    owned.delete(source);
  };
}
