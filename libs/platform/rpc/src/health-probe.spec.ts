import { describe, expect, it } from 'vitest';
import { grpcHealthProbe } from './health-probe';
import { GrpcServer } from './server';
import { echoService } from './test-service';

describe('grpcHealthProbe', () => {
  it('is true while the service serves, false when it stops serving, is stopped, or never existed', async () => {
    const server = new GrpcServer();
    server.addService(echoService, { echo: async (r) => ({ text: r.text }), count: async function* () {} });
    const port = await server.listen('127.0.0.1', 0);
    const address = `127.0.0.1:${port}`;
    const probe = grpcHealthProbe('test.v1.EchoService', { timeoutMs: 1000 });
    const other = grpcHealthProbe('no.such.Service', { timeoutMs: 1000 });
    try {
      expect(await probe.check(address)).toBe(false); // registered, not yet serving
      server.setServing('test.v1.EchoService', true);
      expect(await probe.check(address)).toBe(true);
      expect(await other.check(address)).toBe(false);
      server.setServing('test.v1.EchoService', false);
      expect(await probe.check(address)).toBe(false);
      server.setServing('test.v1.EchoService', true);
      await server.stop(100);
      expect(await probe.check(address)).toBe(false);
      const aborted = new AbortController();
      aborted.abort();
      expect(await probe.check(address, aborted.signal)).toBe(false);
    } finally {
      probe.close();
      other.close();
    }
  });

  it('sees a server that comes back on the same port within about a second', async () => {
    const first = new GrpcServer();
    first.addService(echoService, { echo: async (r) => ({ text: r.text }), count: async function* () {} });
    first.setServing('test.v1.EchoService', true);
    const port = await first.listen('127.0.0.1', 0);
    const probe = grpcHealthProbe('test.v1.EchoService', { timeoutMs: 500 });
    try {
      expect(await probe.check(`127.0.0.1:${port}`)).toBe(true);
      await first.stop(100);
      expect(await probe.check(`127.0.0.1:${port}`)).toBe(false);
      const second = new GrpcServer();
      second.addService(echoService, { echo: async (r) => ({ text: r.text }), count: async function* () {} });
      second.setServing('test.v1.EchoService', true);
      await second.listen('127.0.0.1', port);
      const start = Date.now();
      let up = false;
      while (!up && Date.now() - start < 5000) {
        up = await probe.check(`127.0.0.1:${port}`);
        if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(up).toBe(true);
      await second.stop(100);
    } finally {
      probe.close();
    }
  });
});
