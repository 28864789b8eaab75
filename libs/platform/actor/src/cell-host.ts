/**
 * The seam between one actor cell and the system that owns it, kept in its
 * own file so the cell does not import the system.
 */
import type { ActorCell } from './actor-cell';
import type { ActorClock } from './clock';
import type { ActorLogger } from './logger';
import type { ActorMetrics } from './metrics';
import type { PendingAsk } from './pending-ask';
import type { ActorLookup, Behaviour, Message, SpawnOptions } from './types';

/** A cell of any message, state and snapshot type. */
export type AnyCell = ActorCell<Message, unknown, unknown>;

/** One queued message, with the ask waiting for it if it was asked. */
export interface Envelope<Msg> {
  readonly msg: Msg;
  readonly ask?: PendingAsk<unknown>;
}

/** What a cell needs from the system that owns it. */
export interface CellHost {
  readonly clock: ActorClock;
  readonly random: () => number;
  readonly metrics: ActorMetrics;
  readonly logger: ActorLogger;
  readonly lookup: ActorLookup;
  /** Creates and registers a child cell of `parent`. */
  spawnChild(parent: AnyCell, childId: string, behaviour: Behaviour<Message, unknown, unknown>, options: SpawnOptions): AnyCell;
  /** The cell began stopping: it must no longer be found by id. */
  cellStopping(cell: AnyCell): void;
  /** The cell is fully stopped. */
  cellStopped(cell: AnyCell): void;
}
