/**
 * Traces a published dispatch through the guild: PublishEvent stamps the
 * dispatch with the caller's trace (`traceparent`, the gRPC server span),
 * so the context survives the actor's mailbox; the actor's handling runs in
 * a `guild.actor publish` span child of it, and the dispatch it fans out
 * carries that span's traceparent on to the gateway nodes' relays.
 */
import { contextOfTraceparent, traceparentOf, tracingEnabled, withSpan } from '@chat/observability';
import type { guildV1 } from '@chat/proto';

/** Name of the actor's span. */
export const GUILD_PUBLISH_SPAN = 'guild.actor publish';

/** The dispatch stamped with the active trace (unchanged when there is none). */
export function stampTrace(dispatch: guildV1.Dispatch): guildV1.Dispatch {
  const traceparent = traceparentOf();
  return traceparent === undefined ? dispatch : { ...dispatch, traceparent };
}

/** Runs the actor's `apply` of a dispatch inside its publish span (when tracing is on and the dispatch carries a trace). */
export function tracePublish(guildId: string, dispatch: guildV1.Dispatch, apply: (dispatch: guildV1.Dispatch) => Promise<bigint>): Promise<bigint> {
  if (!tracingEnabled() || dispatch.traceparent === undefined) return apply(dispatch);
  const attributes = { 'chat.guild.id': guildId, 'chat.dispatch.type': dispatch.type };
  return withSpan(GUILD_PUBLISH_SPAN, { parent: contextOfTraceparent(dispatch.traceparent), attributes }, async (span) => {
    const sequence = await apply(stampTrace(dispatch));
    span.setAttribute('chat.dispatch.sequence', sequence.toString());
    return sequence;
  });
}
