import { credentials, makeClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, OverloadedError } from '@chat/errors';
import { installTracePropagation } from '@chat/observability';
import { createServiceClient, type ServiceClient } from './client';
import { RemoteCallError } from './errors';
import { GrpcServer } from './server';
import { echoService } from './test-service';

installTracePropagation();

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

describe.each([true, false])('GrpcServer and createServiceClient (in-process calls: %s)', (inProcess) => {
  const server = new GrpcServer();
  const seenSignals: AbortSignal[] = [];
  let client: ServiceClient<typeof echoService>;

  beforeAll(async () => {
    server.addService(echoService, {
      echo: async (request, ctx) => {
        seenSignals.push(ctx.signal);
        if (request.fail === 'not_found') throw new NotFoundError(`no such thing: ${request.text}`);
        if (request.fail === 'overloaded') throw new OverloadedError('too busy');
        if (request.fail === 'bug') throw new TypeError('secret internals');
        if (request.delayMs) await abortable(request.delayMs, ctx.signal);
        return {
          text: request.text,
          deadline: ctx.deadline?.getTime(),
          traceId: trace.getSpanContext(context.active())?.traceId,
        };
      },
      count: async function* (request) {
        for (let n = 1; n <= request.upTo; n++) {
          if (n === request.failAt) throw new NotFoundError(`stopped at ${n}`);
          yield { n };
        }
      },
    });
    server.setServing('test.v1.EchoService', true);
    server.setOverallServing(true);
    const port = await server.listen('127.0.0.1', 0);
    client = createServiceClient(echoService, `127.0.0.1:${port}`, { defaultTimeoutMs: 2000, inProcess });
  });

  afterAll(async () => {
    client.close();
    await server.stop(100);
  });

  it('answers a unary call with a default deadline set', async () => {
    const before = Date.now();
    const response = await client.echo({ text: 'hi' });
    expect(response.text).toBe('hi');
    expect(response.deadline).toBeGreaterThanOrEqual(before + 1500);
    expect(response.deadline).toBeLessThanOrEqual(Date.now() + 2000);
  });

  it.each([
    ['not_found', 'not_found', 5, 'no such thing: x'],
    ['overloaded', 'overloaded', 8, 'too busy'],
    ['bug', 'internal', 13, 'internal error'],
  ])('maps a thrown %s error to a status and back', async (fail, kind, code, message) => {
    const error = await client.echo({ text: 'x', fail }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).kind).toBe(kind);
    expect((error as RemoteCallError).code).toBe(code);
    expect((error as RemoteCallError).message).toBe(message);
  });

  it('fails a call that outlives its timeout and aborts the handler', async () => {
    const error = await client.echo({ text: 'slow', delayMs: 5000 }, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((error as RemoteCallError).kind).toBe('deadline');
    const signal = seenSignals.at(-1);
    await expect.poll(() => signal?.aborted).toBe(true);
  });

  it('propagates the inbound deadline to outbound calls', async () => {
    const inner = new GrpcServer();
    const port = await (async () => {
      inner.addService(echoService, {
        echo: async (request) => {
          // This handler calls the outer server with a long own timeout; the inbound deadline must cap it.
          return client.echo({ text: request.text }, { timeoutMs: 60_000 });
        },
        count: async function* () {},
      });
      return inner.listen('127.0.0.1', 0);
    })();
    const front = createServiceClient(echoService, `127.0.0.1:${port}`);
    const start = Date.now();
    const response = await front.echo({ text: 'chain' }, { timeoutMs: 300 });
    expect(response.deadline).toBeLessThanOrEqual(start + 300 + 20);
    front.close();
    await inner.stop(100);
  });

  it('carries the trace context in metadata', async () => {
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    const response = await context.with(trace.setSpanContext(context.active(), spanContext), () => client.echo({ text: 't' }));
    expect(response.traceId).toBe(spanContext.traceId);
  });

  it('streams responses and reports a mid-stream error with its status', async () => {
    const seen: number[] = [];
    for await (const message of client.count({ upTo: 4 })) seen.push(message.n);
    expect(seen).toEqual([1, 2, 3, 4]);

    const partial: number[] = [];
    const error = await (async () => {
      for await (const message of client.count({ upTo: 5, failAt: 3 })) partial.push(message.n);
    })().catch((e: unknown) => e);
    expect(partial).toEqual([1, 2]);
    expect((error as RemoteCallError).kind).toBe('not_found');
  });

  it('answers the standard health service per service', async () => {
    const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');
    const health = new HealthClient(client.address, credentials.createInsecure());
    const check = (service: string) =>
      new Promise<string>((resolve, reject) =>
        (health as unknown as { Check: (r: object, cb: (e: ServiceError | null, r: { status: string }) => void) => void }).Check(
          { service },
          (error, response) => (error ? reject(error) : resolve(response.status)),
        ),
      );
    expect(await check('')).toBe('SERVING');
    expect(await check('test.v1.EchoService')).toBe('SERVING');
    server.setServing('test.v1.EchoService', false);
    expect(await check('test.v1.EchoService')).toBe('NOT_SERVING');
    server.setServing('test.v1.EchoService', true);
    await expect(check('nope.Service')).rejects.toMatchObject({ code: 5 });
    health.close();
  });
});

describe('notImplementedHandlers', () => {
  it('answers unary and streaming methods with UNIMPLEMENTED naming the method and the tracking note', async () => {
    const server = new GrpcServer();
    const { notImplementedHandlers } = await import('./not-implemented');
    server.addService(echoService, notImplementedHandlers(echoService, 'issue #9'));
    const port = await server.listen('127.0.0.1', 0);
    const client = createServiceClient(echoService, `127.0.0.1:${port}`);
    const unary = await client.echo({ text: 'x' }).catch((e: unknown) => e);
    expect(unary).toMatchObject({ kind: 'unimplemented', code: 12, message: 'test.v1.EchoService/Echo is not implemented yet (issue #9)' });
    const stream = await (async () => {
      for await (const _ of client.count({ upTo: 1 })) throw new Error('no message expected');
    })().catch((e: unknown) => e);
    expect(stream).toMatchObject({ kind: 'unimplemented', code: 12 });
    client.close();
    await server.stop(100);
  });
});
