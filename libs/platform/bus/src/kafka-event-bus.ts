import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { kafkaConsumerLag, type ConsumerLag } from './bus-metrics';
import { retryPolicy } from './delivery';
import { BusClosedError } from './errors';
import type { BusHandler, BusHeaders, EventBus, SubscribeOptions, Subscription } from './event-bus.port';
import { publishTraced } from './bus-tracing';
import { kafkaSettings, type KafkaEventBusOptions, type KafkaSettings } from './kafka.config';
import { ConsumerLoop } from './kafka-consumer-loop';
import { KafkaTopics } from './kafka-topics';
import { checkName } from './topics';

/**
 * The event bus on Kafka (kafkajs). Publishing goes through one idempotent
 * producer (acks from every in-sync replica, one request in flight, so a
 * retried send can neither duplicate nor reorder a key's records); the key
 * picks the partition with Kafka's own murmur2 partitioner, so Java and
 * kafkajs clients agree. Each subscription is one kafkajs consumer, one
 * member of its group; offsets are committed per record, only after its
 * handler resolved or it went to `<topic>.dlq`. Topics are created on first
 * use with `partitions` partitions. Connects lazily on the first call.
 */
export class KafkaEventBus implements EventBus {
  private readonly settings: KafkaSettings;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly topics: KafkaTopics;
  private readonly loops = new Map<ConsumerLoop, number>();
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(options: KafkaEventBusOptions) {
    this.settings = kafkaSettings(options);
    const { brokers, clientId, logCreator } = this.settings;
    this.kafka = new Kafka({ clientId, brokers, ...(logCreator ? { logCreator, logLevel: logLevel.INFO } : { logLevel: logLevel.NOTHING }) });
    this.producer = this.kafka.producer({
      idempotent: true,
      // kafkajs keeps sequence numbers right only with one request in flight; Kafka allows up to 5.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    this.topics = new KafkaTopics(this.admin, this.settings.partitions, this.settings.replicationFactor);
  }

  async publish(topic: string, key: string, value: Uint8Array, headers: BusHeaders = {}): Promise<void> {
    if (this.closed) throw new BusClosedError('publish');
    checkName('topic', topic);
    const carried: Record<string, string> = { ...headers };
    await publishTraced('kafka', topic, key, carried, async () => {
      await this.connect();
      await this.topics.ensure(topic);
      await this.producer.send({ topic, acks: -1, messages: [{ key, value: Buffer.from(value), headers: carried }] });
    });
    this.settings.observer.published?.(topic);
  }

  async subscribe(topic: string, groupId: string, handler: BusHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new BusClosedError('subscribe');
    checkName('topic', topic);
    checkName('groupId', groupId);
    const policy = retryPolicy(options, this.settings.retry);
    const closeTimeoutMs = options.closeTimeoutMs ?? this.settings.closeTimeoutMs;
    await this.connect();
    await this.topics.ensure(topic);
    const fromBeginning = options.fromBeginning ?? false;
    const newGroupEnds = fromBeginning ? undefined : await this.topics.endsForNewGroup(groupId, topic);
    const { sessionTimeoutMs, heartbeatIntervalMs, maxWaitTimeMs, partitionsConsumedConcurrently, observer } = this.settings;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs,
      maxWaitTimeInMs: maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    const loop = new ConsumerLoop({
      consumer,
      topic,
      groupId,
      handler,
      policy,
      heartbeatIntervalMs,
      partitionsConsumedConcurrently,
      observer,
      deadLetter: (dlq, key, value, headers) => this.publishDeadLetter(dlq, key, value, headers),
    });
    this.loops.set(loop, closeTimeoutMs);
    try {
      await loop.start(newGroupEnds, fromBeginning, 2 * maxWaitTimeMs + 2_000);
    } catch (error) {
      this.loops.delete(loop);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return {
      close: async () => {
        await loop.leave(closeTimeoutMs);
        this.loops.delete(loop);
      },
    };
  }

  /** Closes every subscription (each within its closeTimeoutMs), then the producer and the admin client. */
  /** Per topic and consumer group of this process's subscriptions: high watermark - committed offset, from the admin client. */
  consumerLag(): Promise<ConsumerLag[]> {
    return kafkaConsumerLag(this.admin, [...this.loops.keys()].map((loop) => loop.options));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.loops].map(([loop, closeTimeoutMs]) => loop.leave(closeTimeoutMs)));
    this.loops.clear();
    if (this.connecting) {
      await this.connecting.catch(() => undefined);
      await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
    }
  }

  /** Dead letters go out while subscriptions finish their last records in close(), so they skip the closed check. */
  private async publishDeadLetter(topic: string, key: string, value: Uint8Array, headers: BusHeaders): Promise<void> {
    await this.topics.ensure(topic);
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: Buffer.from(value), headers: { ...headers } }] });
    this.settings.observer.published?.(topic);
  }

  /** Connects the producer and the admin client (publish and subscribe do it on first use); rejects when no broker answers. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new BusClosedError('connect'));
    if (!this.connecting) {
      const connecting = Promise.all([this.producer.connect(), this.admin.connect()]).then(() => undefined);
      connecting.catch(() => {
        if (this.connecting === connecting) this.connecting = undefined;
      });
      this.connecting = connecting;
    }
    return this.connecting;
  }
}
