import { type Socket, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EtcdMembership, EtcdUnavailableError, InvalidRingArgumentError, MembershipStateError } from './index';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const self = { id: 'guild-1', address: '127.0.0.1:50051' };

describe('EtcdMembership without etcd', () => {
  it('rejects start() with EtcdUnavailableError naming the endpoint and step, and can be retried', async () => {
    const port = await closedPort();
    const errors: unknown[] = [];
    const m = new EtcdMembership({
      endpoints: [`127.0.0.1:${port}`],
      prefix: '/test/ring',
      self,
      startTimeoutMs: 1500,
      onError: (e) => errors.push(e),
    });
    const started = Date.now();
    const error = await m.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EtcdUnavailableError);
    const err = error as EtcdUnavailableError;
    expect(err.endpoints).toEqual([`http://127.0.0.1:${port}`]);
    expect(err.step).toBe('grant lease');
    expect(err.message).toContain(`etcd unavailable at http://127.0.0.1:${port} (grant lease)`);
    expect(err.cause).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(m.members()).toEqual([]);

    // Failed start leaves it idle: a second attempt fails the same way, not with a state error.
    await expect(m.start()).rejects.toBeInstanceOf(EtcdUnavailableError);
    await m.stop();
    await expect(m.start()).rejects.toBeInstanceOf(MembershipStateError);
  });

  it('gives up within startTimeoutMs when etcd accepts connections but never answers', async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const m = new EtcdMembership({ endpoints: [`127.0.0.1:${port}`], prefix: '/p', self, startTimeoutMs: 800 });
      const started = Date.now();
      const error = await m.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EtcdUnavailableError);
      expect((error as EtcdUnavailableError).step).toBe('grant lease');
      expect(Date.now() - started).toBeLessThan(4_000);
      await m.stop();
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('validates its options', () => {
    const base = { endpoints: ['127.0.0.1:2379'], prefix: '/p', self };
    expect(() => new EtcdMembership({ ...base, endpoints: [] })).toThrow(InvalidRingArgumentError);
    expect(() => new EtcdMembership({ ...base, prefix: '/' })).toThrow(InvalidRingArgumentError);
    expect(() => new EtcdMembership({ ...base, leaseTtlSeconds: 0 })).toThrow(InvalidRingArgumentError);
    expect(() => new EtcdMembership({ ...base, self: { id: 'a/b', address: 'x' } })).toThrow(InvalidRingArgumentError);
    expect(new EtcdMembership({ ...base, prefix: '/chat/ring/guild/' }).key).toBe('/chat/ring/guild/guild-1');
  });
});
