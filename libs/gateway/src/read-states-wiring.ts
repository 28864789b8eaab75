/**
 * The gateway's side of read states: ReadStateService clients routed by
 * user id over the read-states ring (CHAT_GATEWAY_READ_STATES_NODES) for
 * READY's `read_state`, and MESSAGE_ACK for the user's sessions on
 * this node from the `read-states` topic (one consumer group per gateway
 * node, so every node sees every ack).
 */
import { decodeEnvelope, READ_STATES_TOPIC, type EventBus, type Subscription } from '@chat/bus';
import { readstatesV1 } from '@chat/proto';
import { StaticMembership, type Member } from '@chat/ring';
import { RingClients } from '@chat/rpc';
import { createDispatchFrame, type DispatchFrame } from './relay/local-sessions';

/** One entry of READY's `read_state.entries`, as Discord sends it. */
export interface ReadyReadStateEntry {
  id: string;
  last_message_id: string | null;
  mention_count: number;
  last_pin_timestamp: string | null;
}

/** What the gateway module uses. */
export interface ReadStatesWiring {
  /** READY's read state entries of a user. */
  entriesOf(userId: string): Promise<ReadyReadStateEntry[]>;
  close(): Promise<void>;
}

/** MESSAGE_ACK's payload for a read state (Discord: channel_id, message_id, version, and the mention count after a manual ack). */
export function messageAckFrame(state: readstatesV1.ReadState, version: number): DispatchFrame {
  return createDispatchFrame(
    'MESSAGE_ACK',
    JSON.stringify({ channel_id: state.channelId, message_id: state.lastMessageId === '' ? null : state.lastMessageId, mention_count: state.mentionCount, version }),
  );
}

/** Wires the clients and the MESSAGE_ACK consumer. */
export async function wireReadStates(options: {
  nodes: readonly Member[];
  gatewayNodeId: string;
  timeoutMs: number;
  bus: EventBus;
  /** Delivers a frame to a user's sessions on this node, except `exceptSessionId`. */
  deliver: (userId: string, frame: DispatchFrame, exceptSessionId: string) => void;
  onError: (error: unknown, context: string) => void;
}): Promise<ReadStatesWiring> {
  const ring = new RingClients({
    definition: readstatesV1.ReadStateServiceService,
    membership: new StaticMembership(options.nodes),
    client: { defaultTimeoutMs: options.timeoutMs },
    noNode: (what) => new Error(`no read-states node for ${what}: the ring is empty`),
  });
  const clientFor = (userId: string) => ring.clientFor(userId);
  let version = 0;
  const subscription: Subscription = await options.bus.subscribe(READ_STATES_TOPIC, `gateway-${options.gatewayNodeId}`, async (record) => {
    const event = decodeEnvelope(record.value).event;
    if (event?.$case !== 'readStateAcked' || !event.readStateAcked.readState) return;
    const state = event.readStateAcked.readState;
    version += 1;
    options.deliver(state.userId, messageAckFrame(state, version), event.readStateAcked.sessionId);
  });
  return {
    async entriesOf(userId) {
      const response = await clientFor(userId).getReadStates({ userId, channelIds: [] });
      return response.readStates.map((s) => ({
        id: s.channelId,
        last_message_id: s.lastMessageId === '' ? null : s.lastMessageId,
        mention_count: s.mentionCount,
        last_pin_timestamp: s.lastPinTimestamp ? s.lastPinTimestamp.toISOString() : null,
      }));
    },
    async close() {
      await subscription.close().catch((error: unknown) => options.onError(error, 'read-states subscription close'));
      ring.close();
    },
  };
}
