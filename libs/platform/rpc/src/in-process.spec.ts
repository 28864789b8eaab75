import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createServiceClient } from './client';
import { RemoteCallError } from './errors';
import { inProcessUnary } from './in-process';
import { GrpcServer } from './server';
import { echoService } from './test-service';

describe('in-process calls', () => {
  it('reach a server of this process without the network, isolate request and response objects, and count in the server metrics', async () => {
    const registry = new Registry();
    const server = new GrpcServer({ registry });
    const seen: { text: string }[] = [];
    const answer = { text: 'kept' };
    server.addService(echoService, {
      echo: async (request) => {
        seen.push(request);
        request.text = 'changed by the handler';
        return answer;
      },
      count: async function* () {},
    });
    const port = await server.listen('127.0.0.1', 0);
    expect(inProcessUnary(`127.0.0.1:${port}`, '/test.v1.EchoService/Echo')).toBeTypeOf('function');
    expect(inProcessUnary(`localhost:${port}`, '/test.v1.EchoService/Echo')).toBeTypeOf('function');
    const client = createServiceClient(echoService, `127.0.0.1:${port}`);
    const request = { text: 'mine' };
    const response = await client.echo(request);
    expect(request.text).toBe('mine');
    expect(response).toEqual({ text: 'kept' });
    expect(response).not.toBe(answer);
    expect(seen[0]).not.toBe(request);
    expect(await registry.getSingleMetricAsString('chat_grpc_server_handled_seconds')).toContain('method="/test.v1.EchoService/Echo",code="OK"');

    // Once the server stops, calls take the network and fail as they would against any stopped server.
    await server.stop(100);
    expect(inProcessUnary(`127.0.0.1:${port}`, '/test.v1.EchoService/Echo')).toBeUndefined();
    const error = await client.echo({ text: 'x' }, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).kind === 'unavailable' || (error as RemoteCallError).kind === 'deadline').toBe(true);
    client.close();
  });
});
