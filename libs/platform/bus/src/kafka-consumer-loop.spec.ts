import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { headersOf, toBusRecord } from './kafka-consumer-loop';
import { kafkaSettings } from './kafka.config';

// KafkaMessage is a union of the two on-disk formats; these tests build the modern (record batch) one.
const message = (over: { key?: Buffer | null; value?: Buffer | null } = {}): KafkaMessage => ({
  key: Buffer.from('channel-1'),
  value: Buffer.from([1, 2, 3]),
  timestamp: '1764288000000',
  attributes: 0,
  offset: '9007199254740993', // past 2^53: must survive as text
  headers: {},
  ...over,
});

describe('kafka records as bus records', () => {
  it('keeps the offset as a decimal string, the key as text, the timestamp as a Date', () => {
    const record = toBusRecord('messages', 3, message());
    expect(record).toMatchObject({ topic: 'messages', partition: 3, offset: '9007199254740993', key: 'channel-1' });
    expect(record.timestamp.toISOString()).toBe('2025-11-28T00:00:00.000Z');
    expect([...record.value]).toEqual([1, 2, 3]);
  });

  it('copies the value, so a reused fetch buffer cannot change a record a handler kept', () => {
    const buffer = Buffer.from([7, 7]);
    const record = toBusRecord('t', 0, message({ value: buffer }));
    buffer[0] = 0;
    expect([...record.value]).toEqual([7, 7]);
  });

  it('turns a null key and value into empty ones', () => {
    const record = toBusRecord('t', 0, message({ key: null, value: null }));
    expect(record.key).toBe('');
    expect(record.value).toHaveLength(0);
  });

  it('reads headers given as Buffers, strings or repeated values (first wins), dropping absent ones', () => {
    expect(
      headersOf({ traceparent: Buffer.from('00-abc-def-01'), 'x-kind': 'greeting', 'x-many': [Buffer.from('one'), 'two'], 'x-none': undefined }),
    ).toEqual({ traceparent: '00-abc-def-01', 'x-kind': 'greeting', 'x-many': 'one' });
    expect(headersOf(undefined)).toEqual({});
  });
});

describe('kafkaSettings', () => {
  it('fills the documented defaults', () => {
    const settings = kafkaSettings({ brokers: ['127.0.0.1:9092'] });
    expect(settings).toMatchObject({
      clientId: 'chat',
      partitions: 16,
      replicationFactor: -1,
      retry: { maxAttempts: 5, retryBackoffMs: 100, maxRetryBackoffMs: 5000 },
      closeTimeoutMs: 10_000,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxWaitTimeMs: 1_000,
      partitionsConsumedConcurrently: 16,
    });
  });

  it('keeps what was given, and a partial retry policy over the defaults', () => {
    const settings = kafkaSettings({ brokers: ['a:1', 'b:2'], clientId: 'indexer', partitions: 4, retry: { maxAttempts: 2 } });
    expect(settings).toMatchObject({ brokers: ['a:1', 'b:2'], clientId: 'indexer', partitions: 4, retry: { maxAttempts: 2, retryBackoffMs: 100 } });
  });
});
