/**
 * Who is alive on a ring of gRPC services (guild nodes, data-service nodes):
 * the configured list, minus the members that stop answering gRPC health for
 * the ring's service, when `<PREFIX>_MEMBERSHIP=probe` (the default). Every
 * process that routes on the ring probes the members itself, so a dead node
 * leaves every caller's ring after about interval x failures, with no
 * coordinator. One definition of the settings and of the membership, used by
 * each ring with its own key prefix and defaults.
 */
import { enumSetting, intSetting, type Setting } from '@chat/config';
import { ProbedMembership, StaticMembership, type Member, type Membership } from '@chat/ring';
import { grpcHealthProbe } from './health-probe';

/** A ring's membership settings as loaded. */
export interface RingMembershipConfig {
  membership: 'probe' | 'static';
  probeIntervalMs: number;
  probeFailures: number;
}

/** The three settings of a ring, e.g. prefix CHAT_DATA_RING: CHAT_DATA_RING_MEMBERSHIP, _PROBE_MS, _PROBE_FAILURES. */
export function ringMembershipSchema(
  prefix: string,
  node: string,
  defaults: Omit<RingMembershipConfig, 'membership'>,
): { membership: Setting<'probe' | 'static'>; probeIntervalMs: Setting<number>; probeFailures: Setting<number> } {
  return {
    membership: enumSetting(`${prefix}_MEMBERSHIP`, ['probe', 'static'] as const, {
      default: 'probe',
      description: `probe: a ${node} that fails ${prefix}_PROBE_FAILURES health checks in a row leaves the ring (its keys move to the others until it answers again); static: the configured list, always`,
    }),
    probeIntervalMs: intSetting(`${prefix}_PROBE_MS`, { default: defaults.probeIntervalMs, min: 50, max: 60_000, unit: 'ms', description: `time between two health checks of each ${node}` }),
    probeFailures: intSetting(`${prefix}_PROBE_FAILURES`, { default: defaults.probeFailures, min: 1, max: 100, unit: 'count', description: `failed health checks in a row after which a ${node} leaves the ring` }),
  };
}

/**
 * The membership of a ring of `service` (its full gRPC name) over `members`.
 * With `probe`, every member but `self` is health-checked and leaves the
 * ring while it fails (it rejoins after two good checks); a one-member ring
 * is never probed.
 */
export function healthProbedMembership(service: string, members: readonly Member[], config: RingMembershipConfig, self?: string): Membership {
  if (config.membership === 'static' || members.length < 2) return new StaticMembership(members);
  const health = grpcHealthProbe(service, { timeoutMs: config.probeIntervalMs });
  return new ProbedMembership({
    members,
    ...(self === undefined ? {} : { self }),
    intervalMs: config.probeIntervalMs,
    probeTimeoutMs: config.probeIntervalMs,
    failuresToLeave: config.probeFailures,
    successesToJoin: 2,
    probe: (member, signal) => health.check(member.address, signal),
    release: () => health.close(),
  });
}
