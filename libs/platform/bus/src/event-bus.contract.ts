/**
 * The EventBus contract: every adapter (memory, Kafka) runs
 * this suite, so the embedded default and the scale path cannot drift apart.
 * Call `eventBusContract(name, { create })` from the adapter's spec file.
 * Topics and groups get a random suffix so a shared broker needs no cleanup.
 */
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { installTracePropagation, recordSpansInMemory, withSpan } from '@chat/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { BusClosedError, InvalidTopicError } from './errors';
import type { BusRecord, EventBus } from './event-bus.port';
import { DLQ_HEADERS, deadLetterTopicOf } from './topics';

/** How the suite gets a fresh bus, and how long it waits for deliveries. */
export interface EventBusContractOptions {
  create(): Promise<EventBus>;
  /** Longest wait for an expected delivery before the test fails. Default 5000 ms. */
  waitMs?: number;
}

const text = (value: string) => new TextEncoder().encode(value);
const read = (record: BusRecord) => new TextDecoder().decode(record.value);

/** Records seen by a handler, with a promise for "at least n seen" that fails with what was seen. */
function collector(waitMs: number) {
  const records: BusRecord[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const handler = async (record: BusRecord) => {
    records.push(record);
    for (const w of [...waiters]) if (records.length >= w.n) w.resolve();
  };
  const seen = (n: number) =>
    new Promise<void>((resolve, reject) => {
      if (records.length >= n) return resolve();
      const timer = setTimeout(() => reject(new Error(`expected ${n} records within ${waitMs} ms, saw ${records.length}: ${records.map(read).join(',')}`)), waitMs);
      waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { records, handler, seen };
}

/** Resolves once `done()` holds (checked every 5 ms); fails after `waitMs`. */
async function until(done: () => boolean, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function byKey(records: readonly BusRecord[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const record of records) (out[record.key] ??= []).push(read(record));
  return out;
}

/** Registers the contract suite for one adapter. */
export function eventBusContract(name: string, options: EventBusContractOptions): void {
  const waitMs = options.waitMs ?? 5000;
  describe(`EventBus contract: ${name}`, () => {
    installTracePropagation();
    const buses: EventBus[] = [];
    const open = async () => {
      const bus = await options.create();
      buses.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
    });

    it('delivers key, value and headers of a published record', async () => {
      const bus = await open();
      const topic = unique('contract-basic');
      const seen = collector(waitMs);
      await bus.subscribe(topic, unique('g'), seen.handler);
      await bus.publish(topic, 'channel-1', text('hello'), { 'x-kind': 'greeting' });
      await seen.seen(1);
      const [record] = seen.records;
      expect(record).toMatchObject({ topic, key: 'channel-1', attempt: 1, headers: expect.objectContaining({ 'x-kind': 'greeting' }) });
      expect(read(record!)).toBe('hello');
      expect(record!.timestamp).toBeInstanceOf(Date);
    });

    it('keeps each key in order and gives every group every record exactly once', async () => {
      const bus = await open();
      const topic = unique('contract-order');
      const groups = [collector(waitMs), collector(waitMs)];
      for (const group of groups) await bus.subscribe(topic, unique('g'), group.handler);
      const keys = ['a', 'b', 'c', 'd', 'e'];
      for (let i = 0; i < 20; i++) for (const key of keys) await bus.publish(topic, key, text(String(i)));
      // A last record per key: once it is in, per-key order means nothing earlier can still arrive.
      for (const key of keys) await bus.publish(topic, key, text('end'));
      const expected = [...Array.from({ length: 20 }, (_, i) => String(i)), 'end'];
      for (const group of groups) {
        await group.seen(keys.length * 21);
        const perKey = byKey(group.records);
        for (const key of keys) expect(perKey[key]).toEqual(expected);
        expect(group.records).toHaveLength(keys.length * 21);
      }
    });

    it('shares a group between its members: each record handled by one of them, keys still in order', async () => {
      const bus = await open();
      const topic = unique('contract-share');
      const group = unique('g');
      const all = collector(waitMs);
      const counts = [0, 0];
      for (const i of [0, 1]) {
        await bus.subscribe(topic, group, async (record) => {
          counts[i]! += 1;
          await all.handler(record);
        });
      }
      const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
      for (let round = 0; round < 3; round++) for (const key of keys) await bus.publish(topic, key, text(String(round)));
      for (const key of keys) await bus.publish(topic, key, text('end'));
      await all.seen(keys.length * 4);
      const perKey = byKey(all.records);
      for (const key of keys) expect(perKey[key]).toEqual(['0', '1', '2', 'end']);
      expect(all.records).toHaveLength(keys.length * 4);
      expect(counts[0]! + counts[1]!).toBe(keys.length * 4);
    });

    it('redelivers a record whose handler throws, with backoff, before the next record of its key', async () => {
      const bus = await open();
      const topic = unique('contract-retry');
      const attempts: string[] = [];
      const times: number[] = [];
      const done = collector(waitMs);
      await bus.subscribe(
        topic,
        unique('g'),
        async (record) => {
          attempts.push(`${read(record)}#${record.attempt}`);
          times.push(performance.now());
          if (read(record) === 'first' && record.attempt < 3) throw new Error('transient failure');
          await done.handler(record);
        },
        { maxAttempts: 5, retryBackoffMs: 20, maxRetryBackoffMs: 40 },
      );
      await bus.publish(topic, 'channel-1', text('first'));
      await bus.publish(topic, 'channel-1', text('second'));
      await done.seen(2);
      expect(attempts).toEqual(['first#1', 'first#2', 'first#3', 'second#1']);
      // Backoff: 20 ms before the first retry, 40 ms before the second (lower bounds only).
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(19);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(39);
    });

    it('sends a record that fails every attempt to <topic>.dlq with the reason, then moves on', async () => {
      const bus = await open();
      const topic = unique('contract-dlq');
      const group = unique('g');
      const dead = collector(waitMs);
      const good = collector(waitMs);
      await bus.subscribe(deadLetterTopicOf(topic), unique('dlq-reader'), dead.handler);
      await bus.subscribe(
        topic,
        group,
        async (record) => {
          if (read(record) === 'poison') throw new Error('cannot parse poison');
          await good.handler(record);
        },
        { maxAttempts: 2, retryBackoffMs: 1, maxRetryBackoffMs: 1 },
      );
      await bus.publish(topic, 'channel-9', text('poison'), { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      await bus.publish(topic, 'channel-9', text('fine'));
      await good.seen(1);
      await dead.seen(1);
      const [letter] = dead.records;
      expect(read(letter!)).toBe('poison');
      expect(letter!.key).toBe('channel-9');
      expect(letter!.headers).toMatchObject({
        [DLQ_HEADERS.topic]: topic,
        [DLQ_HEADERS.group]: group,
        [DLQ_HEADERS.attempts]: '2',
        [DLQ_HEADERS.error]: 'cannot parse poison',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(good.records.map(read)).toEqual(['fine']);
    });

    it('carries the publisher\'s trace context to the handler', async () => {
      const bus = await open();
      const topic = unique('contract-trace');
      const traceIds: (string | undefined)[] = [];
      const done = collector(waitMs);
      await bus.subscribe(topic, unique('g'), async (record) => {
        traceIds.push(trace.getSpanContext(context.active())?.traceId);
        await done.handler(record);
      });
      const span = trace.setSpanContext(context.active(), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
      await context.with(span, () => bus.publish(topic, 'k', text('traced')));
      await done.seen(1);
      expect(done.records[0]!.headers['traceparent']).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(traceIds).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
    });

    it('with a tracer installed: a PRODUCER span child of the publisher\'s span, and a CONSUMER span per attempt, child of it', async () => {
      const recorder = recordSpansInMemory();
      try {
        const bus = await open();
        const topic = unique('contract-spans');
        const done = collector(waitMs);
        const handlerSpans: (string | undefined)[] = [];
        await bus.subscribe(
          topic,
          unique('g'),
          async (record) => {
            handlerSpans.push(trace.getSpanContext(context.active())?.spanId);
            if (record.attempt === 1) throw new Error('first try fails');
            await done.handler(record);
          },
          { retryBackoffMs: 10, maxRetryBackoffMs: 10, maxAttempts: 3 },
        );
        await withSpan('publisher', {}, () => bus.publish(topic, 'k', text('spanned')));
        await done.seen(1);
        // The consumer span ends just after the handler resolved.
        await until(() => recorder.spans().filter((span) => span.name === `process ${topic}`).length === 2, waitMs);
        const spans = recorder.spans().filter((span) => span.name.endsWith(topic) || span.name === 'publisher');
        const publisher = spans.find((span) => span.name === 'publisher')!;
        const producer = spans.find((span) => span.name === `send ${topic}`)!;
        const consumers = spans.filter((span) => span.name === `process ${topic}`);
        expect(producer.kind).toBe(SpanKind.PRODUCER);
        expect(producer.parentSpanContext?.spanId).toBe(publisher.spanContext().spanId);
        expect(done.records[0]!.headers['traceparent']).toContain(producer.spanContext().spanId);
        expect(consumers.map((span) => span.attributes['chat.bus.attempt'])).toEqual([1, 2]);
        for (const consumer of consumers) {
          expect(consumer.kind).toBe(SpanKind.CONSUMER);
          expect(consumer.spanContext().traceId).toBe(publisher.spanContext().traceId);
          expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
        }
        expect(consumers[0]!.status.code).toBe(SpanStatusCode.ERROR);
        expect(handlerSpans).toEqual(consumers.map((span) => span.spanContext().spanId));
      } finally {
        await recorder.shutdown();
      }
    });

    it('lets close finish the record in hand, then resumes the group from its commit: nothing published meanwhile is lost', async () => {
      const bus = await open();
      const topic = unique('contract-resume');
      const group = unique('g');
      const before = collector(waitMs);
      const first = await bus.subscribe(topic, group, before.handler);
      await bus.publish(topic, 'k', text('1'));
      await before.seen(1);
      await first.close();
      await bus.publish(topic, 'k', text('2'));
      await bus.publish(topic, 'k', text('3'));
      const after = collector(waitMs);
      await bus.subscribe(topic, group, after.handler);
      await after.seen(2);
      expect(after.records.map(read)).toEqual(['2', '3']);
      expect(before.records.map(read)).toEqual(['1']);
    });

    it('redelivers a record whose handler had not finished when its member left (a crash mid-record)', async () => {
      const bus = await open();
      const topic = unique('contract-crash');
      const group = unique('g');
      let started!: () => void;
      const handlerStarted = new Promise<void>((resolve) => (started = resolve));
      const crashed = await bus.subscribe(
        topic,
        group,
        () => {
          started();
          return new Promise<void>(() => undefined); // never finishes: the consumer is stuck or dead
        },
        { closeTimeoutMs: 50 },
      );
      await bus.publish(topic, 'k', text('in-flight'));
      await bus.publish(topic, 'k', text('next'));
      await handlerStarted;
      await crashed.close();
      const survivor = collector(waitMs);
      await bus.subscribe(topic, group, survivor.handler);
      await survivor.seen(2);
      expect(survivor.records.map(read)).toEqual(['in-flight', 'next']);
    });

    it('starts a new group at the end of the topic, or at the oldest record with fromBeginning', async () => {
      const bus = await open();
      const topic = unique('contract-start');
      const keeper = collector(waitMs);
      await bus.subscribe(topic, unique('keeper'), keeper.handler);
      await bus.publish(topic, 'k', text('old'));
      await keeper.seen(1);
      const latest = collector(waitMs);
      const earliest = collector(waitMs);
      await bus.subscribe(topic, unique('latest'), latest.handler);
      await bus.subscribe(topic, unique('earliest'), earliest.handler, { fromBeginning: true });
      await bus.publish(topic, 'k', text('new'));
      await latest.seen(1);
      await earliest.seen(2);
      expect(latest.records.map(read)).toEqual(['new']);
      expect(earliest.records.map(read)).toEqual(['old', 'new']);
    });

    it('refuses names Kafka would refuse, and any use after close', async () => {
      const bus = await open();
      await expect(bus.publish('bad topic', 'k', text('x'))).rejects.toBeInstanceOf(InvalidTopicError);
      await expect(bus.subscribe('ok', '', async () => undefined)).rejects.toBeInstanceOf(InvalidTopicError);
      await bus.close();
      await expect(bus.publish('ok', 'k', text('x'))).rejects.toBeInstanceOf(BusClosedError);
      await expect(bus.subscribe('ok', 'g', async () => undefined)).rejects.toBeInstanceOf(BusClosedError);
    });
  });
}
