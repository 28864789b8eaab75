import type { Admin } from 'kafkajs';
import { TopicNotReadyError } from './errors';
import { deadLetterTopicOf } from './topics';

const DLQ_SUFFIX = deadLetterTopicOf('');

/**
 * Creates the bus's topics on first use (each with its `<topic>.dlq`) and
 * finds where a new consumer group starts, through one kafkajs Admin.
 * Creation is idempotent: another process doing the same at once is fine.
 */
export class KafkaTopics {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: Admin,
    private readonly partitions: number,
    private readonly replicationFactor: number,
    private readonly readyTimeoutMs = 30_000,
  ) {}

  /** Resolves once `topic` (and `<topic>.dlq`, unless `topic` is itself a dead-letter topic) exists; creates them once per process. */
  async ensure(topic: string): Promise<void> {
    const names = topic.endsWith(DLQ_SUFFIX) ? [topic] : [topic, deadLetterTopicOf(topic)];
    await Promise.all(names.map((name) => this.ensureOne(name)));
  }

  private ensureOne(topic: string): Promise<void> {
    let created = this.ready.get(topic);
    if (!created) {
      created = this.create(topic);
      this.ready.set(topic, created);
      created.catch(() => this.ready.delete(topic)); // let the next call try again
    }
    return created;
  }

  private async create(topic: string): Promise<void> {
    // false means it already existed: just as good.
    await this.retrying(() => this.admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor }] }));
    // kafkajs' waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until the topic has propagated.
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      try {
        const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = topics[0]?.partitions ?? [];
        if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      } catch (error) {
        if (Date.now() >= deadline) throw new TopicNotReadyError(topic, this.readyTimeoutMs, { cause: error });
      }
      if (Date.now() >= deadline) throw new TopicNotReadyError(topic, this.readyTimeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Where a group that has never committed on `topic` starts: the current end
   * of every partition, or undefined when the group has committed before
   * (it resumes from its commits). See ConsumerLoop.start for why the end is
   * committed explicitly rather than left to Kafka's lazy "latest".
   */
  async endsForNewGroup(groupId: string, topic: string): Promise<{ partition: number; offset: string }[] | undefined> {
    const [committed] = await this.retrying(() => this.admin.fetchOffsets({ groupId, topics: [topic] }));
    if (committed && committed.partitions.some((p) => p.offset !== '-1')) return undefined;
    const ends = await this.retrying(() => this.admin.fetchTopicOffsets(topic));
    return ends.map((end) => ({ partition: end.partition, offset: end.high }));
  }

  /** Runs an admin call again while it fails with an error kafkajs marks retriable (a coordinator or leader still moving, as on a fresh broker). */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.readyTimeoutMs;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        return await call();
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() + wait > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
