import { InvalidRingArgumentError } from './errors';
import type { NodeId } from './hash-ring';
import { type Member, MemberSet, type Membership, type MembershipListener, validateMember } from './membership';

/** Asks one member whether it serves; resolves false (or rejects) when it does not. */
export type MemberProbe = (member: Member, signal: AbortSignal) => Promise<boolean>;

/** Options of a {@link ProbedMembership}. */
export interface ProbedMembershipOptions {
  /** The configured members (CHAT_GUILD_NODES); ids must be unique. */
  members: Iterable<Member>;
  /** The health check, e.g. gRPC health `Check` of the service the ring is for. */
  probe: MemberProbe;
  /** This process's own id when it is a member: never probed, never removed. */
  self?: NodeId;
  /** Time between two probe rounds, in ms. Default 1000. */
  intervalMs?: number;
  /** A probe not answered within this many ms counts as a failure. Default 500. */
  probeTimeoutMs?: number;
  /** Consecutive failed probes after which a member leaves the ring. Default 3. */
  failuresToLeave?: number;
  /** Consecutive successful probes after which a member that left comes back. Default 2. */
  successesToJoin?: number;
  /** Receives errors thrown by subscribers (default: `process.emitWarning`). */
  onError?: (error: unknown) => void;
  /** Called once by the first `stop()`, after the last probe round: releases what `probe` holds (channels). */
  release?: () => void;
}

interface ProbeState {
  readonly member: Member;
  up: boolean;
  failures: number;
  successes: number;
}

/**
 * Membership for deployments without etcd: the configured list, minus the
 * members that stopped answering a health probe. Every process that routes
 * on the ring (gateways, guild nodes) probes the members itself, so when a
 * node dies its keys move to the survivors after about
 * `failuresToLeave x intervalMs` (3 s by default) everywhere, without a
 * coordinator. A member that answers again rejoins after `successesToJoin`
 * good probes.
 *
 * Every member starts as up (a node that starts before its peers owns only
 * its share). Processes decide independently, so for a moment after a
 * change two of them may disagree on an owner: callers must handle a node
 * refusing a key it does not own (the guild service answers UNAVAILABLE
 * with the owner it sees). Use {@link EtcdMembership} where one shared view
 * matters more than having no dependency.
 */
export class ProbedMembership implements Membership {
  private readonly set: MemberSet;
  private readonly states = new Map<NodeId, ProbeState>();
  private readonly abort = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private round: Promise<void> | undefined;

  /** @throws {InvalidRingArgumentError} on an invalid member, a repeated id or a bad interval. */
  constructor(private readonly options: ProbedMembershipOptions) {
    this.set = new MemberSet(options.onError ?? warn);
    for (const raw of options.members) {
      const member = validateMember(raw);
      if (this.states.has(member.id)) throw new InvalidRingArgumentError('members', member.id, 'unique member ids');
      this.states.set(member.id, { member, up: true, failures: 0, successes: 0 });
    }
    for (const [name, value] of [
      ['intervalMs', options.intervalMs],
      ['probeTimeoutMs', options.probeTimeoutMs],
      ['failuresToLeave', options.failuresToLeave],
      ['successesToJoin', options.successesToJoin],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new InvalidRingArgumentError(name, value, 'a positive integer');
    }
    this.set.replace([...this.states.values()].map((s) => s.member));
  }

  /** The members that are up now, sorted by id. */
  members(): readonly Member[] {
    return this.set.list();
  }

  /** Calls `listener` when a member leaves or rejoins. */
  subscribe(listener: MembershipListener): () => void {
    return this.set.subscribe(listener);
  }

  /** Starts probing. Resolves at once: every member counts as up until probes say otherwise. */
  start(): Promise<void> {
    if (this.running || this.abort.signal.aborted) return Promise.resolve();
    this.running = true;
    this.schedule();
    return Promise.resolve();
  }

  /** Stops probing (the member list stays as it is). Safe to call more than once. */
  async stop(): Promise<void> {
    const first = !this.abort.signal.aborted;
    this.running = false;
    this.abort.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
    if (first) this.options.release?.();
  }

  /** Runs one probe round now (tests; also what the timer does). */
  async probeOnce(): Promise<void> {
    const targets = [...this.states.values()].filter((s) => s.member.id !== this.options.self);
    const results = await Promise.all(targets.map((s) => this.probeOne(s.member)));
    if (this.abort.signal.aborted) return;
    let changed = false;
    targets.forEach((state, i) => {
      if (results[i]) {
        state.failures = 0;
        state.successes += 1;
        if (!state.up && state.successes >= (this.options.successesToJoin ?? 2)) {
          state.up = true;
          changed = true;
        }
      } else {
        state.successes = 0;
        state.failures += 1;
        if (state.up && state.failures >= (this.options.failuresToLeave ?? 3)) {
          state.up = false;
          changed = true;
        }
      }
    });
    if (changed) this.set.replace([...this.states.values()].filter((s) => s.up).map((s) => s.member));
  }

  private async probeOne(member: Member): Promise<boolean> {
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        this.options.probe(member, controller.signal).catch(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            controller.abort();
            resolve(false);
          }, this.options.probeTimeoutMs ?? 500);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onStop);
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.round = this.probeOnce().finally(() => this.schedule());
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)));
}
