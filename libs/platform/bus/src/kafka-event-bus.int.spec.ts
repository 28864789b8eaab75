import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { infra, uniqueName } from '@chat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventBusContract } from './event-bus.contract';
import type { BusRecord, EventBus } from './event-bus.port';
import { KafkaEventBus } from './kafka-event-bus';
import type { KafkaEventBusOptions } from './kafka.config';
import { PrivateKafka } from './testing/private-kafka';

/** Fast group membership for tests: rebalances are noticed within ~0.5 s. */
const quick: Omit<KafkaEventBusOptions, 'brokers'> = { partitions: 4, heartbeatIntervalMs: 500, maxWaitTimeMs: 300, sessionTimeoutMs: 10_000 };

// Group joins and topic creation take a second or two on a busy broker: the suite waits up to 20 s for a delivery.
eventBusContract('kafka', { create: async () => new KafkaEventBus({ brokers: infra().kafka.brokers, ...quick }), waitMs: 20_000 });

const text = (value: string) => new TextEncoder().encode(value);
const read = (record: BusRecord) => new TextDecoder().decode(record.value);

/** Values seen per key, and a promise for "a record with this value seen". */
function tally() {
  const byKey = new Map<string, string[]>();
  const seen = new Set<string>();
  const waiters: { values: readonly string[]; resolve: () => void }[] = [];
  const handler = async (record: BusRecord) => {
    const value = read(record);
    const list = byKey.get(record.key) ?? [];
    list.push(value);
    byKey.set(record.key, list);
    seen.add(value);
    for (const w of [...waiters]) if (w.values.every((v) => seen.has(v))) w.resolve();
  };
  const all = (values: readonly string[], ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (values.every((v) => seen.has(v))) return resolve();
      const timer = setTimeout(() => reject(new Error(`within ${ms} ms missing: ${values.filter((v) => !seen.has(v)).join(',')}`)), ms);
      waiters.push({ values, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { byKey, seen, handler, all };
}

/** The crash-test consumer in its own Node process, with its stdout lines. */
function consumerProcess(env: Record<string, string>) {
  const script = fileURLToPath(new URL('./testing/crashing-consumer.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) if (line === w.line) w.resolve();
  });
  const line = (wanted: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (lines.includes(wanted)) return resolve();
      const timer = setTimeout(() => reject(new Error(`consumer process did not print "${wanted}" within ${ms} ms; printed ${lines.join(' | ')}`)), ms);
      void exited.then(() => reject(new Error(`consumer process exited before printing "${wanted}"; printed ${lines.join(' | ')}`)));
      waiters.push({ line: wanted, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { child, lines, line, exited };
}

describe('KafkaEventBus on a real broker', () => {
  const cleanup: (() => Promise<void>)[] = [];
  const open = (options: KafkaEventBusOptions): EventBus => {
    const bus = new KafkaEventBus(options);
    cleanup.push(() => bus.close());
    return bus;
  };
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('loses nothing when a consumer process is SIGKILLed mid-batch: the next member of its group gets every unhandled record, each key in order', async () => {
    const brokers = infra().kafka.brokers;
    const topic = uniqueName('bus-crash');
    const group = uniqueName('g');
    const producer = open({ brokers, ...quick });
    const keys = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
    const perKey = 20;
    const stallAfter = 40;
    const consumer = consumerProcess({ CRASH_BROKERS: brokers.join(','), CRASH_TOPIC: topic, CRASH_GROUP: group, CRASH_STALL_AFTER: String(stallAfter), CRASH_PARTITIONS: '4' });
    cleanup.push(async () => void consumer.child.kill('SIGKILL'));
    await consumer.line('joined', 60_000);
    for (let i = 0; i < perKey; i++) for (const key of keys) await producer.publish(topic, key, text(`${key}:${i}`));
    await consumer.line('stalled', 30_000);
    consumer.child.kill('SIGKILL');
    await consumer.exited;

    const handledBefore = new Map<string, number[]>();
    for (const line of consumer.lines.filter((l) => l.startsWith('handled '))) {
      const [, key, value] = line.split(' ');
      const list = handledBefore.get(key!) ?? [];
      list.push(Number(value!.split(':')[1]));
      handledBefore.set(key!, list);
    }
    expect([...handledBefore.values()].flat()).toHaveLength(stallAfter);

    const survivor = tally();
    const successor = open({ brokers, ...quick });
    await successor.subscribe(topic, group, survivor.handler);
    await survivor.all(keys.map((key) => `${key}:${perKey - 1}`), 60_000);
    for (const key of keys) {
      const before = handledBefore.get(key) ?? [];
      // The dead process handled a prefix of each key, in order.
      expect(before).toEqual(before.map((_, i) => i));
      const after = (survivor.byKey.get(key) ?? []).map((value) => Number(value.split(':')[1]));
      // The successor starts at or before the first record the dead process did not finish (a redelivery is allowed)...
      expect(after[0]).toBeLessThanOrEqual(before.length);
      // ...and goes on in order, with no gap, to the last record.
      expect(after).toEqual(after.map((_, i) => after[0]! + i));
      expect(after.at(-1)).toBe(perKey - 1);
    }
  }, 240_000);

  it('moves a partition in a rebalance while its handler is still running: the record in hand is redelivered, nothing is lost', async () => {
    const brokers = infra().kafka.brokers;
    const topic = uniqueName('bus-rebalance');
    const group = uniqueName('g');
    const producer = open({ brokers, ...quick });
    const first = open({ brokers, ...quick });
    const second = open({ brokers, ...quick });
    const seen = tally();
    const owners = new Map<string, string>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let blocked!: (value: string) => void;
    const handlerBlocked = new Promise<string>((resolve) => (blocked = resolve));
    let blocking = true;
    await first.subscribe(topic, group, async (record) => {
      if (blocking) {
        blocking = false;
        blocked(read(record));
        await gate; // still running when the group rebalances
      }
      owners.set(read(record), 'first');
      await seen.handler(record);
    });
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);
    const values = (round: string) => keys.map((key) => `${key}:${round}`);
    for (const round of ['0', '1', '2']) for (const key of keys) await producer.publish(topic, key, text(`${key}:${round}`));
    const inHand = await handlerBlocked;
    await second.subscribe(topic, group, async (record) => {
      owners.set(read(record), 'second');
      await seen.handler(record);
    });
    release();
    for (const key of keys) await producer.publish(topic, key, text(`${key}:end`));
    await seen.all([...values('0'), ...values('1'), ...values('2'), ...values('end')], 60_000);
    for (const key of keys) expect([...new Set(seen.byKey.get(key))]).toEqual(['0', '1', '2', 'end'].map((round) => `${key}:${round}`));
    // Both members got partitions. The second could only join once the first gave its partitions back with the
    // record still in hand, so that record ran twice: the abandoned run (released above) and the redelivery.
    expect(new Set(owners.values())).toEqual(new Set(['first', 'second']));
    const inHandKey = inHand.split(':')[0]!;
    expect(seen.byKey.get(inHandKey)!.filter((value) => value === inHand).length).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('loses no acknowledged record across a restart of its broker (a private broker, not the shared one)', async () => {
    const kafka = await PrivateKafka.create();
    cleanup.push(() => kafka.destroy());
    await kafka.start();
    const topic = uniqueName('bus-restart');
    const options = { brokers: kafka.brokers, ...quick, partitions: 2 };
    const producer = open(options);
    const consumer = open(options);
    const seen = tally();
    await consumer.subscribe(topic, uniqueName('g'), seen.handler);
    const keys = ['r0', 'r1', 'r2'];
    const acked: string[] = [];
    const publish = async (value: string, key: string) => {
      await producer.publish(topic, key, text(value));
      acked.push(value);
    };

    for (let i = 0; i < 10; i++) for (const key of keys) await publish(`${key}:a${i}`, key);
    await seen.all([...acked], 60_000);

    await kafka.stop();
    // Published while the broker is down: kafkajs gives up when no broker answers its connection retries, so these may be refused;
    // only what publish() acknowledged is promised.
    const during = keys.map((key) => publish(`${key}:b0`, key).catch((error: unknown) => error));
    await kafka.start();
    await Promise.all(during);
    for (let i = 0; i < 10; i++) for (const key of keys) await publish(`${key}:c${i}`, key);

    await seen.all([...acked], 120_000);
    expect(acked.filter((value) => !value.includes(':b'))).toHaveLength(keys.length * 20);
    for (const key of keys) {
      // First deliveries per key keep publish order (a redelivery after the restart may repeat a value).
      const first = [...new Set(seen.byKey.get(key))];
      const expected = [...Array.from({ length: 10 }, (_, i) => `${key}:a${i}`), ...acked.filter((v) => v === `${key}:b0`), ...Array.from({ length: 10 }, (_, i) => `${key}:c${i}`)];
      expect(first).toEqual(expected);
    }
  }, 400_000);
});
