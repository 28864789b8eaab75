/**
 * A consumer process for the crash test of kafka-event-bus.int.spec.ts: joins
 * CRASH_GROUP on CRASH_TOPIC at CRASH_BROKERS, prints `joined`, then
 * `handled <key> <value>` for each record it handled (and committed), and
 * stalls inside the handler of record number CRASH_STALL_AFTER + 1, printing
 * `stalled`, so the test can SIGKILL it mid-batch with records in hand.
 * Run with tsx. Test-only.
 */
import { KafkaEventBus } from '../kafka-event-bus';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const stallAfter = Number(env('CRASH_STALL_AFTER'));
let handled = 0;
const bus = new KafkaEventBus({ brokers: env('CRASH_BROKERS').split(','), partitions: Number(env('CRASH_PARTITIONS')), heartbeatIntervalMs: 500, maxWaitTimeMs: 300, sessionTimeoutMs: 6_000 });
await bus.subscribe(env('CRASH_TOPIC'), env('CRASH_GROUP'), async (record) => {
  if (handled === stallAfter) {
    process.stdout.write('stalled\n');
    await new Promise<never>(() => undefined);
  }
  handled += 1;
  process.stdout.write(`handled ${record.key} ${new TextDecoder().decode(record.value)}\n`);
});
process.stdout.write('joined\n');
