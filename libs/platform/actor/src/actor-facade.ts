/**
 * The two objects a cell hands out: the `ActorRef` callers hold and the
 * `ActorContext` its handlers get. Both are thin views over the cell, so
 * neither exposes the state.
 */
import type { ActorCell } from './actor-cell';
import type { ActorLogger } from './logger';
import type { ActorContext, ActorLookup, ActorRef, Message } from './types';

/** Builds the public ref of `cell`. */
export function makeRef<Msg extends Message, State, Snapshot>(cell: ActorCell<Msg, State, Snapshot>): ActorRef<Msg, Snapshot> {
  return {
    id: cell.id,
    get status() {
      return cell.status;
    },
    send: (msg) => cell.send(msg),
    ask: (build, options) => cell.ask(build, options),
    getSnapshot: () => cell.snapshotChannel.value,
    subscribe: (listener) => cell.snapshotChannel.subscribe(listener),
    stop: () => cell.stopWith({ kind: 'requested' }),
    whenStopped: () => cell.whenStopped(),
    stats: () => cell.stats(),
  };
}

/** Builds the context handed to `activate`, `receive` and `onStop` of `cell`. */
export function makeContext<Msg extends Message, State, Snapshot>(
  cell: ActorCell<Msg, State, Snapshot>,
  lookup: ActorLookup,
  log: ActorLogger,
): ActorContext<Msg, Snapshot> {
  return {
    self: cell.ref,
    system: lookup,
    log,
    get incarnation() {
      return cell.currentIncarnation;
    },
    spawn: (childId, behaviour, options) => cell.spawnChild(childId, behaviour, options),
    child: <CMsg extends Message, CSnapshot>(childId: string) =>
      cell.child(childId)?.ref as ActorRef<CMsg, CSnapshot> | undefined,
  };
}
