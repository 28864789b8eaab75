/**
 * The gateway end of a traced dispatch: one span per delivery of a dispatch
 * on this node (not one per socket), child of the span whose `traceparent`
 * the guild put on the dispatch, with the number of sessions written.
 */
import { contextOfTraceparent, withSpanSync } from '@chat/observability';
import type { guildV1 } from '@chat/proto';

/** Name of the delivery span. */
export const RELAY_DELIVER_SPAN = 'gateway.relay deliver';

/**
 * Runs `deliver` (which returns how many sessions it wrote to) inside a
 * delivery span when the dispatch carries a trace; otherwise just runs it.
 * Callers check `tracingEnabled()` first so the untraced path stays free.
 */
export function traceDelivery(guildId: string, sequence: bigint, dispatch: guildV1.Dispatch, deliver: () => number): void {
  if (dispatch.traceparent === undefined) {
    deliver();
    return;
  }
  withSpanSync(
    RELAY_DELIVER_SPAN,
    { parent: contextOfTraceparent(dispatch.traceparent), attributes: { 'chat.guild.id': guildId, 'chat.dispatch.type': dispatch.type, 'chat.dispatch.sequence': sequence.toString() } },
    (span) => span.setAttribute('chat.relay.sockets_written', deliver()),
  );
}
