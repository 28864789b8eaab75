import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { infra } from '@chat/testing';
import { Etcd3 } from 'etcd3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EtcdMembership,
  type EtcdMembershipOptions,
  InvalidMemberRecordError,
  type Membership,
  type MembershipChange,
  MembershipStateError,
  type RingChange,
  RingView,
  movedKeys,
} from './index';

/** ETCD_ENDPOINTS (comma-separated) wins; otherwise the integration global setup's etcd. */
function etcdEndpoints(): string[] {
  const fromEnv = process.env.ETCD_ENDPOINTS;
  if (fromEnv) return fromEnv.split(',').map((e) => e.trim()).filter(Boolean);
  return infra().etcd.endpoints;
}

const WAIT_MS = 20_000;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function uniquePrefix(): string {
  return `/test/ring/${randomUUID()}`;
}

function rawClient(): Etcd3 {
  const client = new Etcd3({ hosts: etcdEndpoints().map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`)) });
  cleanups.push(() => client.close());
  return client;
}

function membership(prefix: string, id: string, extra: Partial<EtcdMembershipOptions> = {}): EtcdMembership {
  const m = new EtcdMembership({
    endpoints: etcdEndpoints(),
    prefix,
    self: { id, address: `${id}.test:7000` },
    leaseTtlSeconds: 10,
    ...extra,
  });
  cleanups.push(() => m.stop());
  return m;
}

const ids = (m: Membership) => m.members().map((x) => x.id);

/** Resolves with the first change for which `predicate` holds; rejects after WAIT_MS. */
function nextChange(m: Membership, predicate: (c: MembershipChange) => boolean, what: string): Promise<MembershipChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no change "${what}" within ${WAIT_MS} ms; members: ${ids(m).join(',')}`));
    }, WAIT_MS);
    const unsubscribe = m.subscribe((c) => {
      if (!predicate(c)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(c);
    });
  });
}

/** Runs etcd-member.fixture.ts as a separate process; resolves once it has joined. */
async function memberProcess(prefix: string, id: string, ttl: number): Promise<ChildProcess> {
  const fixture = fileURLToPath(new URL('./etcd-member.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ETCD_ENDPOINTS: etcdEndpoints().join(','), RING_PREFIX: prefix, MEMBER_ID: id, LEASE_TTL: String(ttl) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const [ready] = await Promise.race([
    once(child.stdout!, 'data') as Promise<[Buffer]>,
    once(child, 'exit').then(([code]) => {
      throw new Error(`member process exited with ${String(code)} before joining`);
    }),
  ]);
  expect(ready.toString()).toBe('ready\n');
  return child;
}

/** A TCP proxy to etcd whose connections the test can cut and restore (a network partition). */
async function tcpProxy(target: string) {
  const url = new URL(/^https?:\/\//.test(target) ? target : `http://${target}`);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((downstream) => {
        const upstream = connect(Number(url.port), url.hostname);
        for (const s of [downstream, upstream]) {
          sockets.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => {
            sockets.delete(s);
            downstream.destroy();
            upstream.destroy();
          });
        }
        downstream.pipe(upstream).pipe(downstream);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { endpoint: `http://127.0.0.1:${port}`, cut, heal: listen, close: cut };
}

const joinedIs = (id: string) => (c: MembershipChange) => c.joined.some((m) => m.id === id);
const leftIs = (id: string) => (c: MembershipChange) => c.left.some((m) => m.id === id);

describe('EtcdMembership against a real etcd', () => {
  it('publishes itself as the first join and lists itself after start', async () => {
    const prefix = uniquePrefix();
    const a = membership(prefix, 'a');
    const first = nextChange(a, joinedIs('a'), 'a joins');
    await a.start();
    expect((await first).members.map((m) => m.id)).toEqual(['a']);
    expect(a.members()).toEqual([{ id: 'a', address: 'a.test:7000' }]);
    const stored = await rawClient().get(`${prefix}/a`).string();
    expect(JSON.parse(stored!)).toEqual({ address: 'a.test:7000' });
    await expect(a.start()).rejects.toBeInstanceOf(MembershipStateError);
  });

  it('two members see each other join; when one stops the other sees it leave at once (lease revoked)', async () => {
    const prefix = uniquePrefix();
    const a = membership(prefix, 'a');
    const b = membership(prefix, 'b', { self: { id: 'b', address: 'b.test:7000', weight: 2 } });
    await a.start();
    const bJoined = nextChange(a, joinedIs('b'), 'b joins');
    await b.start();
    expect(ids(b)).toEqual(['a', 'b']);
    const joined = await bJoined;
    expect(joined.joined).toEqual([{ id: 'b', address: 'b.test:7000', weight: 2 }]);
    expect(ids(a)).toEqual(['a', 'b']);

    const bLeft = nextChange(a, leftIs('b'), 'b leaves');
    const stoppedAt = Date.now();
    await b.stop();
    const left = await bLeft;
    // Far sooner than the 10 s TTL: the lease was revoked, not left to expire.
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    expect(left.members.map((m) => m.id)).toEqual(['a']);
    expect(await rawClient().get(`${prefix}/b`).string()).toBeNull();
  });

  it('sees a member leave when its lease expires (process killed, nothing revokes, TTL 2 s)', async () => {
    const prefix = uniquePrefix();
    const a = membership(prefix, 'a', { leaseTtlSeconds: 2 });
    await a.start();
    const bJoined = nextChange(a, joinedIs('b'), 'b joins');
    const b = await memberProcess(prefix, 'b', 2);
    await bJoined;
    expect(ids(a)).toEqual(['a', 'b']);

    const bLeft = nextChange(a, leftIs('b'), 'b expires');
    const killedAt = Date.now();
    b.kill('SIGKILL'); // keepalives stop; nothing revokes the lease
    await bLeft;
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeGreaterThan(1_000); // it waited for the TTL ...
    expect(elapsed).toBeLessThan(10_000); // ... and not much longer
    expect(ids(a)).toEqual(['a']);
  });

  it('cut off from etcd past its TTL, a member is seen to leave; once reachable it registers again', async () => {
    const prefix = uniquePrefix();
    const proxy = await tcpProxy(etcdEndpoints()[0]!);
    cleanups.push(() => proxy.close());
    const a = membership(prefix, 'a', { leaseTtlSeconds: 2 });
    const errorsOfB: unknown[] = [];
    const b = membership(prefix, 'b', {
      endpoints: [proxy.endpoint],
      leaseTtlSeconds: 2,
      startTimeoutMs: 2_000,
      onError: (e) => errorsOfB.push(e),
    });
    await a.start();
    await b.start();
    expect(ids(a)).toEqual(['a', 'b']);

    const bLeft = nextChange(a, leftIs('b'), 'b expires while cut off');
    await proxy.cut();
    await bLeft;
    const bBack = nextChange(a, joinedIs('b'), 'b registers again');
    await proxy.heal();
    await bBack;
    expect(ids(a)).toEqual(['a', 'b']);
    expect(errorsOfB.length).toBeGreaterThan(0); // the lost lease was reported
  });

  it('lists again when the history it would resume from was compacted while it was cut off', async () => {
    const prefix = uniquePrefix();
    const proxy = await tcpProxy(etcdEndpoints()[0]!);
    cleanups.push(() => proxy.close());
    const errorsOfB: unknown[] = [];
    const b = membership(prefix, 'b', { endpoints: [proxy.endpoint], onError: (e) => errorsOfB.push(e) });
    await b.start();
    const raw = rawClient();

    await proxy.cut();
    // While b cannot see it: c joins, and the history of that is compacted away.
    // (Compacting at revision R keeps R itself, so write once more and compact past c's put.)
    await raw.put(`${prefix}/c`).value('{"address":"c.test:7000"}').exec();
    const later = await raw.put(`${prefix}-elsewhere`).value('x').exec();
    await raw.kv.compact({ revision: later.header.revision, physical: true });
    const cSeen = nextChange(b, joinedIs('c'), 'b learns of c by listing again');
    await proxy.heal();
    await cSeen;
    expect(ids(b)).toEqual(['b', 'c']);
    // etcd cancelled the resumed watch (etcd 3.4 gives no reason text); the events for c were gone.
    expect(errorsOfB.some((e) => e instanceof Error && /Watcher canceled/.test(e.message))).toBe(true);
  });

  it('re-registers when its own key is deleted behind its back', async () => {
    const prefix = uniquePrefix();
    const a = membership(prefix, 'a');
    const b = membership(prefix, 'b', { client: rawClient() }); // a shared client, left open by stop()
    await a.start();
    await b.start();
    const bLeft = nextChange(a, leftIs('b'), 'b deleted');
    const bBack = nextChange(a, joinedIs('b'), 'b re-registers');
    const bSeesItselfBack = nextChange(b, joinedIs('b'), 'b sees itself again');
    await rawClient().delete().key(`${prefix}/b`).exec();
    await bLeft;
    await bBack;
    await bSeesItselfBack;
    expect(ids(a)).toEqual(['a', 'b']);
    expect(ids(b)).toEqual(['a', 'b']);
  });

  it('ignores and reports a record that is not a member', async () => {
    const prefix = uniquePrefix();
    const errors: unknown[] = [];
    const a = membership(prefix, 'a', { onError: (e) => errors.push(e) });
    await a.start();
    const c = nextChange(a, joinedIs('c'), 'c joins');
    const raw = rawClient();
    await raw.put(`${prefix}/junk`).value('not json').exec();
    await raw.put(`${prefix}/nested/key`).value('{"address":"x"}').exec();
    await raw.put(`${prefix}/c`).value('{"address":"c.test:7000"}').exec();
    await c; // events arrive in revision order, so junk and nested were seen before c
    expect(ids(a)).toEqual(['a', 'c']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvalidMemberRecordError);
    expect((errors[0] as InvalidMemberRecordError).key).toBe(`${prefix}/junk`);
  });
});

describe('RingView over EtcdMembership', () => {
  it('moves keys to a node that joins and back when it leaves', async () => {
    const prefix = uniquePrefix();
    const a = membership(prefix, 'a');
    const view = new RingView(a);
    cleanups.push(() => view.close());
    const changes: RingChange[] = [];
    view.subscribe((c) => changes.push(c));
    await a.start();
    expect(view.nodes).toEqual(['a']);
    expect(changes.map((c) => c.joined)).toEqual([['a']]);
    expect(view.addressOf('a')).toBe('a.test:7000');

    const keys = Array.from({ length: 10_000 }, (_, i) => `guild:${i}`);
    const b = membership(prefix, 'b');
    const bJoined = nextChange(a, joinedIs('b'), 'b joins');
    await b.start();
    await bJoined;
    const join = changes.at(-1)!;
    expect(join.joined).toEqual(['b']);
    const toB = movedKeys(join, keys);
    expect(toB.length).toBeGreaterThan(keys.length * 0.3);
    expect(toB.length).toBeLessThan(keys.length * 0.7);
    expect(toB.every((m) => m.from === 'a' && m.to === 'b')).toBe(true);
    expect(toB.every((m) => view.owner(m.key) === 'b')).toBe(true);

    const bLeft = nextChange(a, leftIs('b'), 'b leaves');
    await b.stop();
    await bLeft;
    const leave = changes.at(-1)!;
    expect(leave.left).toEqual(['b']);
    const back = movedKeys(leave, keys);
    expect(back.map((m) => m.key).sort()).toEqual(toB.map((m) => m.key).sort());
    expect(back.every((m) => m.from === 'b' && m.to === 'a')).toBe(true);
    expect(view.nodes).toEqual(['a']);
  });
});
