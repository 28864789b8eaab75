/**
 * @chat/actor: actors with a mailbox (one message at a time, even across an
 * await), tell/ask, snapshots, children, supervision with backoff, a registry
 * with activation on first use, and passivation.
 */
export { ActorSystem, type ActorSystemOptions } from './actor-system';
export { defaultActorKind, registerActorMetrics, type ActorKindOf } from './actor-metrics';
export { defineBehaviour } from './behaviour';
export { systemClock, type ActorClock, type TimerHandle } from './clock';
export {
  ActorError,
  ActorRestartedError,
  ActorStoppedError,
  AskTimeoutError,
  DuplicateActorIdError,
  InvalidActorOptionsError,
  MailboxFullError,
  ParentStoppedError,
  type StopReasonKind,
} from './errors';
export { noopActorLogger, type ActorLogFn, type ActorLogger } from './logger';
export { noopActorMetrics, type ActorMetrics } from './metrics';
export {
  backoffDelay,
  DEFAULT_BACKOFF,
  type BackoffOptions,
  type FailureInfo,
  type SupervisionDirective,
  type SupervisionPolicy,
} from './supervisor';
export type {
  ActorContext,
  ActorLookup,
  ActorRef,
  ActorStats,
  ActorStatus,
  AskOptions,
  Behaviour,
  Message,
  Reply,
  SpawnOptions,
  StopReason,
} from './types';
