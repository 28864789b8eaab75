/**
 * The registry: spawns actors under unique ids, finds them, activates on
 * first use (`getOrSpawn`), stops them, and owns the shared clock, metrics,
 * logger and default supervision.
 */
import { ActorCell } from './actor-cell';
import type { AnyCell, CellHost } from './cell-host';
import { systemClock, type ActorClock } from './clock';
import { DuplicateActorIdError, InvalidActorOptionsError } from './errors';
import { noopActorLogger, type ActorLogger } from './logger';
import { guardMetrics, noopActorMetrics, type ActorMetrics } from './metrics';
import { resolveSpawnOptions } from './spawn-options';
import { resolveSupervision, type SupervisionPolicy } from './supervisor';
import type { ActorLookup, ActorRef, Behaviour, Message, SpawnOptions } from './types';

/** Shared settings of every actor in one system. */
export interface ActorSystemOptions {
  /** Time source for timeouts, backoff and passivation. Default: real time. */
  clock?: ActorClock;
  /** Source of [0,1) numbers for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Metrics sink. Default: no-op. */
  metrics?: ActorMetrics;
  /** Logger (pino-compatible). Default: no-op. */
  logger?: ActorLogger;
  /** Default ask timeout. Default 5 000 ms. */
  askTimeoutMs?: number;
  /** Supervision of actors whose behaviour and spawn options set none. Default: restart. */
  supervision?: SupervisionPolicy;
}

/**
 * A set of actors with unique ids. Ids are reserved synchronously, so two
 * concurrent `getOrSpawn` calls for one id always yield one actor. An id is
 * free again as soon as its actor starts stopping; a new actor under that id
 * activates only after the old one has fully stopped (its `onStop` may be
 * persisting the state the new one loads).
 */
export class ActorSystem implements ActorLookup {
  private readonly live = new Map<string, AnyCell>();
  private readonly stopping = new Map<string, AnyCell>();
  private readonly host: CellHost;
  private readonly askTimeoutMs: number;
  private readonly supervision: SupervisionPolicy | undefined;

  constructor(options: ActorSystemOptions = {}) {
    const logger = options.logger ?? noopActorLogger;
    this.askTimeoutMs = options.askTimeoutMs ?? 5_000;
    this.supervision = options.supervision;
    resolveSpawnOptions('<system>', { askTimeoutMs: this.askTimeoutMs }, this.askTimeoutMs);
    resolveSupervision('<system>', options.supervision);
    this.host = {
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
      metrics: guardMetrics(options.metrics ?? noopActorMetrics, (err) => logger.warn({ err }, 'actor metrics sink threw')),
      logger,
      lookup: this,
      spawnChild: (parent, childId, behaviour, spawnOptions) => {
        if (childId === '') throw new InvalidActorOptionsError(parent.id, 'childId', 'must not be empty');
        return this.create(`${parent.id}/${childId}`, behaviour, spawnOptions, parent);
      },
      cellStopping: (cell) => {
        if (this.live.get(cell.id) === cell) this.live.delete(cell.id);
        this.stopping.set(cell.id, cell);
      },
      cellStopped: (cell) => {
        if (this.stopping.get(cell.id) === cell) this.stopping.delete(cell.id);
      },
    };
  }

  /** Number of live (not stopping) actors, children included. */
  get size(): number {
    return this.live.size;
  }

  /** Ids of the live actors. */
  ids(): string[] {
    return [...this.live.keys()];
  }

  /**
   * Starts a top-level actor; activation begins at once and messages sent
   * meanwhile are queued. Throws `DuplicateActorIdError` if `id` is live and
   * `InvalidActorOptionsError` for a bad id or option.
   */
  spawn<Msg extends Message, State, Snapshot>(
    id: string,
    behaviour: Behaviour<Msg, State, Snapshot>,
    options: SpawnOptions = {},
  ): ActorRef<Msg, Snapshot> {
    return this.create(id, behaviour as unknown as Behaviour<Message, unknown, unknown>, options, undefined)
      .ref as unknown as ActorRef<Msg, Snapshot>;
  }

  /** The live actor with `id`, or undefined (also while it is stopping). */
  get<Msg extends Message = Message, Snapshot = unknown>(id: string): ActorRef<Msg, Snapshot> | undefined {
    return this.live.get(id)?.ref as unknown as ActorRef<Msg, Snapshot> | undefined;
  }

  /**
   * The live actor with `id`, or a new one from `factory(id)` (activation on
   * first use). `factory` and `options` are only used when spawning.
   */
  getOrSpawn<Msg extends Message, State, Snapshot>(
    id: string,
    factory: (id: string) => Behaviour<Msg, State, Snapshot>,
    options: SpawnOptions = {},
  ): ActorRef<Msg, Snapshot> {
    return this.get<Msg, Snapshot>(id) ?? this.spawn(id, factory(id), options);
  }

  /** Stops the actor with `id`; resolves true once stopped, false if none was live. */
  async stop(id: string): Promise<boolean> {
    const cell = this.live.get(id);
    if (cell === undefined) return false;
    await cell.stopWith({ kind: 'requested' });
    return true;
  }

  /** Stops every actor (parents stop their children) and waits for all stops in progress. */
  async stopAll(): Promise<void> {
    const topLevel = [...this.live.values()].filter((cell) => cell.parent === undefined);
    await Promise.all(topLevel.map((cell) => cell.stopWith({ kind: 'requested' })));
    await Promise.all([...this.live.values()].map((cell) => cell.stopWith({ kind: 'requested' })));
    await Promise.all([...this.stopping.values()].map((cell) => cell.whenStopped()));
  }

  private create(
    id: string,
    behaviour: Behaviour<Message, unknown, unknown>,
    options: SpawnOptions,
    parent: AnyCell | undefined,
  ): AnyCell {
    if (typeof id !== 'string' || id === '') throw new InvalidActorOptionsError(String(id), 'id', 'must be a non-empty string');
    if (this.live.has(id)) throw new DuplicateActorIdError(id);
    const resolved = resolveSpawnOptions(id, options, this.askTimeoutMs);
    const supervision = resolveSupervision(id, options.supervision ?? behaviour.supervision ?? this.supervision);
    const previous = this.stopping.get(id);
    const cell: AnyCell = new ActorCell(id, behaviour, resolved, supervision, this.host, parent, previous?.whenStopped());
    this.live.set(id, cell);
    return cell;
  }
}
