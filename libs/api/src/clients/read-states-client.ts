/**
 * The read-states acks of the API (POST /channels/{id}/messages/{id}/ack):
 * ReadStateService clients routed by user id over the read-states ring.
 */
import { readstatesV1 } from '@chat/proto';
import { StaticMembership, type Member } from '@chat/ring';
import { RingClients } from '@chat/rpc';
import type { RestReadStates } from '../rest-deps';

/** RestReadStates that owns its clients. */
export interface ReadStatesClient extends RestReadStates {
  close(): void;
}

/** Clients of the read-states ring `nodes`; each call has a deadline of `timeoutMs`. */
export function readStatesClient(nodes: readonly Member[], timeoutMs: number): ReadStatesClient {
  const ring = new RingClients({
    definition: readstatesV1.ReadStateServiceService,
    membership: new StaticMembership(nodes),
    client: { defaultTimeoutMs: timeoutMs },
    noNode: (what) => new Error(`no read-states node for ${what}: the ring is empty`),
  });
  return {
    async ack(input) {
      const response = await ring.clientFor(input.userId).ack({
        userId: input.userId,
        channelId: input.channelId,
        messageId: input.messageId,
        ...(input.mentionCount === undefined ? {} : { mentionCount: input.mentionCount }),
        sessionId: input.sessionId ?? '',
      });
      const state = response.readState;
      return { lastMessageId: state?.lastMessageId || null, mentionCount: state?.mentionCount ?? 0 };
    },
    close() {
      ring.close();
    },
  };
}
