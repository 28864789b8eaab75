/**
 * Issue #7: one message, one trace across the gateway, the data service,
 * the guild and the search indexer (message-trace.scenario.ts), with every
 * module in one process on the memory bus; gRPC in-process (the default
 * for one process) and over HTTP/2.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { RunningServer } from '@chat/modules';
import { recordSpansInMemory, type SpanRecorder } from '@chat/observability';
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

describe.each(['on', 'off'] as const)('one message, one trace (memory bus, CHAT_GRPC_IN_PROCESS=%s)', (inProcess) => {
  it('spans the gateway, the data service, the guild and the search indexer, every parent inside the trace', async () => {
    await runMessageTraceScenario({}, inProcess, { recorder, sockets, onServer: (s) => (server = s) });
  });
});
