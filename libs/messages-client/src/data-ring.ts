/**
 * The data-service ring's membership as callers see it: the configured nodes
 * (CHAT_API_DATA_NODES) minus those that stop answering gRPC health for
 * MessageService (CHAT_DATA_RING_*). A dead node's channels go to the
 * survivors after about CHAT_DATA_RING_PROBE_MS x CHAT_DATA_RING_PROBE_FAILURES
 * (1.5 s by default) and come back when it answers again. A survivor needs
 * nothing handed over: the messages are in the shared store, the old owner's
 * outbox stays its own (its recovery replays it when it returns), and writes
 * by two owners of one channel cannot clash, since message ids are unique
 * and edits and deletes are conditional in the store.
 */
import type { ConfigOf } from '@chat/config';
import { messagesV1 } from '@chat/proto';
import type { Member, Membership } from '@chat/ring';
import { healthProbedMembership, ringMembershipSchema, serviceNameOf } from '@chat/rpc';

const ring = ringMembershipSchema('CHAT_DATA_RING', 'data-service node', { probeIntervalMs: 500, probeFailures: 3 });

/** The data ring's settings, for the modules that route to data-service nodes. */
export const dataRingConfigSchema = { dataRingMembership: ring.membership, dataRingProbeMs: ring.probeIntervalMs, dataRingProbeFailures: ring.probeFailures };

/** The data ring's settings as loaded. */
export type DataRingConfig = ConfigOf<typeof dataRingConfigSchema>;

/** The defaults, for callers that build a config by hand. */
export const defaultDataRingConfig: DataRingConfig = { dataRingMembership: 'probe', dataRingProbeMs: 500, dataRingProbeFailures: 3 };

/** The data ring's membership over `members`. */
export function dataRingMembership(members: readonly Member[], config: DataRingConfig): Membership {
  return healthProbedMembership(serviceNameOf(messagesV1.MessageServiceService), members, {
    membership: config.dataRingMembership,
    probeIntervalMs: config.dataRingProbeMs,
    probeFailures: config.dataRingProbeFailures,
  });
}
