import { describe, expect, it } from 'vitest';
import { InvalidRingArgumentError } from './errors';
import type { MembershipChange } from './membership';
import { ProbedMembership } from './probed-membership';
import { RingView } from './ring-view';

const members = [
  { id: 'a', address: 'a:1' },
  { id: 'b', address: 'b:1' },
  { id: 'c', address: 'c:1' },
];

/** A membership whose probe answers from a mutable set of dead ids. */
function probed(options: { self?: string; failuresToLeave?: number; successesToJoin?: number; probeTimeoutMs?: number } = {}) {
  const dead = new Set<string>();
  const hanging = new Set<string>();
  const probed: string[] = [];
  const membership = new ProbedMembership({
    members,
    ...options,
    probe: async (member, signal) => {
      probed.push(member.id);
      if (hanging.has(member.id)) return new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(true)));
      if (dead.has(member.id)) throw new Error('connection refused');
      return true;
    },
  });
  const changes: MembershipChange[] = [];
  membership.subscribe((change) => changes.push(change));
  return { membership, dead, hanging, probed, changes };
}

describe('ProbedMembership', () => {
  it('starts with every configured member up', () => {
    const { membership } = probed();
    expect(membership.members().map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('removes a member after failuresToLeave consecutive failed probes, and only then', async () => {
    const { membership, dead, changes } = probed({ failuresToLeave: 3 });
    dead.add('b');
    await membership.probeOnce();
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(changes).toEqual([]);
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toEqual(['a', 'c']);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.left.map((m) => m.id)).toEqual(['b']);
  });

  it('a success in between resets the failure count', async () => {
    const { membership, dead } = probed({ failuresToLeave: 2 });
    dead.add('c');
    await membership.probeOnce();
    dead.delete('c');
    await membership.probeOnce();
    dead.add('c');
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toContain('c');
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).not.toContain('c');
  });

  it('brings a member back after successesToJoin good probes', async () => {
    const { membership, dead, changes } = probed({ failuresToLeave: 1, successesToJoin: 2 });
    dead.add('a');
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toEqual(['b', 'c']);
    dead.delete('a');
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toEqual(['b', 'c']);
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(changes.map((c) => [c.left.map((m) => m.id), c.joined.map((m) => m.id)])).toEqual([
      [['a'], []],
      [[], ['a']],
    ]);
  });

  it('never probes or removes itself', async () => {
    const { membership, dead, probed: calls } = probed({ self: 'a', failuresToLeave: 1 });
    dead.add('a');
    await membership.probeOnce();
    expect(calls.sort()).toEqual(['b', 'c']);
    expect(membership.members().map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('counts a probe that does not answer within probeTimeoutMs as failed, and aborts it', async () => {
    const { membership, hanging } = probed({ failuresToLeave: 1, probeTimeoutMs: 20 });
    hanging.add('b');
    await membership.probeOnce();
    expect(membership.members().map((m) => m.id)).toEqual(['a', 'c']);
  });

  it('moves the dead member’s keys on a RingView built on it, and nothing else', async () => {
    const { membership, dead } = probed({ failuresToLeave: 1 });
    const ring = new RingView(membership);
    const keys = Array.from({ length: 2000 }, (_, i) => String(1_000_000_000_000_000n + BigInt(i) * 4_194_304n));
    const before = new Map(keys.map((k) => [k, ring.owner(k)]));
    dead.add('b');
    await membership.probeOnce();
    let moved = 0;
    for (const key of keys) {
      const now = ring.owner(key);
      expect(now).not.toBe('b');
      if (before.get(key) !== 'b') expect(now).toBe(before.get(key));
      else moved += 1;
    }
    expect(moved).toBeGreaterThan(300);
    ring.close();
  });

  it('probes on its own once started, and stops probing when stopped', async () => {
    const dead = new Set<string>(['c']);
    let probes = 0;
    let released = 0;
    const timed = new ProbedMembership({ members, intervalMs: 10, failuresToLeave: 2, probe: async (m) => (probes++, !dead.has(m.id)), release: () => released++ });
    const left = new Promise<MembershipChange>((resolve) => timed.subscribe(resolve));
    await timed.start();
    expect((await left).left.map((m) => m.id)).toEqual(['c']);
    await timed.stop();
    const after = probes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(probes).toBe(after);
    await timed.stop();
    expect(released).toBe(1);
  });

  it('rejects duplicate ids and bad intervals', () => {
    expect(() => new ProbedMembership({ members: [members[0]!, members[0]!], probe: async () => true })).toThrow(InvalidRingArgumentError);
    expect(() => new ProbedMembership({ members, intervalMs: 0, probe: async () => true })).toThrow(InvalidRingArgumentError);
  });
});
