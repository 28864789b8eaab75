import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '@chat/errors';
import { recordSpansInMemory, withSpan, type SpanRecorder } from '@chat/observability';
import { createServiceClient, type ServiceClient } from './client';
import { GrpcServer } from './server';
import { echoService } from './test-service';

describe.each([true, false])('rpc spans (in-process calls: %s)', (inProcess) => {
  const server = new GrpcServer();
  let client: ServiceClient<typeof echoService>;
  let recorder: SpanRecorder;

  beforeAll(async () => {
    recorder = recordSpansInMemory();
    server.addService(echoService, {
      echo: async (request) => {
        if (request.fail === 'not_found') throw new NotFoundError('gone');
        // Work inside the handler joins the server span.
        return withSpan('handler work', {}, async () => ({ text: request.text }));
      },
      count: async function* () {},
    });
    const port = await server.listen('127.0.0.1', 0);
    client = createServiceClient(echoService, `127.0.0.1:${port}`, { defaultTimeoutMs: 2000, inProcess });
  });

  afterAll(async () => {
    client.close();
    await server.stop(100);
    await recorder.shutdown();
  });

  it('makes a CLIENT span and a SERVER span child of it, in the caller\'s trace', async () => {
    recorder.reset();
    await withSpan('caller', {}, () => client.echo({ text: 'hi' }));
    const spans = recorder.spans();
    const byName = (name: string, kind?: SpanKind) => spans.find((s) => s.name === name && (kind === undefined || s.kind === kind));
    const caller = byName('caller');
    const clientSpan = byName('test.v1.EchoService/Echo', SpanKind.CLIENT);
    const serverSpan = byName('test.v1.EchoService/Echo', SpanKind.SERVER);
    const work = byName('handler work');
    expect(spans).toHaveLength(4);
    const traceId = caller!.spanContext().traceId;
    for (const span of spans) expect(span.spanContext().traceId).toBe(traceId);
    expect(clientSpan!.parentSpanContext?.spanId).toBe(caller!.spanContext().spanId);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(clientSpan!.spanContext().spanId);
    expect(work!.parentSpanContext?.spanId).toBe(serverSpan!.spanContext().spanId);
    expect(serverSpan!.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'test.v1.EchoService', 'rpc.method': 'Echo', 'rpc.grpc.status_code': 0 });
    expect(serverSpan!.attributes['network.peer.address'] === 'in-process').toBe(inProcess);
  });

  it('marks both spans failed with the status code when the handler fails', async () => {
    recorder.reset();
    await expect(client.echo({ text: 'x', fail: 'not_found' })).rejects.toThrow();
    const spans = recorder.spans();
    expect(spans.map((s) => s.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
    for (const span of spans) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['rpc.grpc.status_code']).toBe(5);
    }
  });
});
