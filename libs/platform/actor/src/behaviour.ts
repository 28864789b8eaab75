/**
 * Helper to write a behaviour with full type inference of `receive`'s
 * arguments, e.g. `defineBehaviour<GuildMsg, GuildState, GuildView>({...})`.
 */
import type { Behaviour, Message } from './types';

/** Returns `behaviour` unchanged; exists so TypeScript checks it against {@link Behaviour}. */
export function defineBehaviour<Msg extends Message, State, Snapshot = State>(
  behaviour: Behaviour<Msg, State, Snapshot>,
): Behaviour<Msg, State, Snapshot> {
  return behaviour;
}
