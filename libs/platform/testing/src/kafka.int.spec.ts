import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';

import { infra } from './endpoints';
import { uniqueName } from './unique-name';

/** A consumer's first message on `topic`, resolved from its eachMessage callback. */
async function firstMessage(consumer: Consumer, topic: string): Promise<{ key: string; value: string; headers: string }> {
  await consumer.subscribe({ topic, fromBeginning: true });
  return await new Promise((resolve, reject) => {
    // Retriable errors (a coordinator still loading) restart the consumer; others fail the test.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
    consumer
      .run({
        eachMessage: async ({ message }) => {
          resolve({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            headers: message.headers?.['trace']?.toString() ?? '',
          });
        },
      })
      .catch(reject);
  });
}

describe('kafka (real broker)', () => {
  const { kafka: endpoint } = infra();
  // kafkajs logs retriable errors (e.g. the offsets topic still being created on
  // a fresh broker) at ERROR; real failures still reject the awaited calls.
  const kafka = new Kafka({ clientId: 'infra-smoke', brokers: endpoint.brokers, logLevel: logLevel.NOTHING });
  const cleanup: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('round-trips a message through an idempotent producer and a consumer group', async () => {
    const topic = uniqueName('smoke');
    const admin = kafka.admin();
    await admin.connect();
    cleanup.push(() => admin.disconnect());
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);

    const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'channel-1', value: 'hello kafka', headers: { trace: 'abc' } }],
    });
    expect(meta?.errorCode).toBe(0);

    const consumer = kafka.consumer({ groupId: uniqueName('group') });
    await consumer.connect();
    cleanup.push(() => consumer.disconnect());
    expect(await firstMessage(consumer, topic)).toEqual({ key: 'channel-1', value: 'hello kafka', headers: 'abc' });
  });

  it('creates a topic on first produce and commits a transaction', async () => {
    const topic = uniqueName('auto');
    const producer = kafka.producer({ transactionalId: uniqueName('tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const tx = await producer.transaction();
    await tx.send({ topic, messages: [{ key: 'k', value: 'committed' }] });
    await tx.commit();

    const consumer = kafka.consumer({ groupId: uniqueName('group'), readUncommitted: false });
    await consumer.connect();
    cleanup.push(() => consumer.disconnect());
    const got = await firstMessage(consumer, topic);
    expect(got.value).toBe('committed');
  });
});
