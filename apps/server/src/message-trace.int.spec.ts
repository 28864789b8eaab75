/**
 * Issue #7 on the scale path's bus: the trace scenario of
 * message-trace.scenario.ts with every module in one process and the real
 * Kafka of the test infrastructure as the bus (CHAT_BUS=kafka), so the
 * trace context crosses Kafka record headers. Fresh search consumer group
 * per run.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { RunningServer } from '@chat/modules';
import { recordSpansInMemory, type SpanRecorder } from '@chat/observability';
import { infra, uniqueName } from '@chat/testing';
import { runMessageTraceScenario } from './message-trace.scenario';

let recorder: SpanRecorder;
let server: RunningServer | undefined;
const sockets: WebSocket[] = [];

beforeAll(() => {
  recorder = recordSpansInMemory('chat-all', 'node-0');
});
afterAll(async () => {
  await recorder.shutdown();
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.shutdown('test');
  server = undefined;
});

describe('one message, one trace (Kafka bus)', () => {
  it('spans the gateway, the data service, the guild and the search indexer across Kafka headers', async () => {
    const env = { CHAT_BUS: 'kafka', CHAT_KAFKA_BROKERS: infra().kafka.brokers.join(','), CHAT_SEARCH_CONSUMER_GROUP: uniqueName('trace_search') };
    await runMessageTraceScenario(env, 'on', { recorder, sockets, onServer: (s) => (server = s) });
  }, 180_000);
});
