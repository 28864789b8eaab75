/**
 * Supervision: what happens when `activate` or `receive` throws. The policy
 * picks a directive; for `restart` the tracker computes an exponential
 * backoff and enforces "at most N restarts within a window", after which the
 * actor is stopped (escalation).
 */
import type { ActorClock } from './clock';
import { InvalidActorOptionsError } from './errors';

/** `restart`: rebuild state with `activate`; `stop`: stop the actor; `resume`: keep state, drop the message. */
export type SupervisionDirective = 'restart' | 'stop' | 'resume';

/** Where a failure happened. */
export interface FailureInfo {
  readonly actorId: string;
  readonly phase: 'activate' | 'receive';
  /** `type` of the message being handled (phase `receive` only). */
  readonly messageType?: string;
}

/** Exponential backoff between restarts. */
export interface BackoffOptions {
  /** Delay before the first restart. Default 100 ms. */
  initialMs: number;
  /** Upper bound of any delay. Default 30 000 ms. */
  maxMs: number;
  /** Factor per consecutive failure (>= 1). Default 2. */
  multiplier: number;
  /** Fraction 0..1 of random spread around the delay. Default 0 (deterministic). */
  jitter: number;
}

/** How an actor is supervised. Every field has a default. */
export interface SupervisionPolicy {
  /** Fixed directive, or a function choosing one per error. Default `restart`. */
  directive?: SupervisionDirective | ((error: unknown, failure: FailureInfo) => SupervisionDirective);
  /** Backoff of `restart`. */
  backoff?: Partial<BackoffOptions>;
  /** Restarts allowed within `withinMs`; one more failure stops the actor. Default 10. */
  maxRestarts?: number;
  /** Sliding window for `maxRestarts`. Default 60 000 ms. */
  withinMs?: number;
}

/** Policy with defaults filled in and ranges checked. */
export interface ResolvedSupervision {
  readonly directive: SupervisionDirective | ((error: unknown, failure: FailureInfo) => SupervisionDirective);
  readonly backoff: Readonly<BackoffOptions>;
  readonly maxRestarts: number;
  readonly withinMs: number;
}

/** What the tracker decided for one failure. */
export type SupervisionDecision =
  | { readonly action: 'restart'; readonly delayMs: number }
  | { readonly action: 'resume' }
  | { readonly action: 'stop'; readonly reason: 'failed' | 'restart-limit' };

/** Defaults used when a policy leaves a field out. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { initialMs: 100, maxMs: 30_000, multiplier: 2, jitter: 0 };

/**
 * Fills defaults and validates. Throws `InvalidActorOptionsError` for
 * negative delays, a multiplier below 1, jitter outside 0..1, or a negative
 * restart limit or window.
 */
export function resolveSupervision(actorId: string, policy: SupervisionPolicy = {}): ResolvedSupervision {
  const backoff = { ...DEFAULT_BACKOFF, ...policy.backoff };
  const check = (ok: boolean, option: string, detail: string): void => {
    if (!ok) throw new InvalidActorOptionsError(actorId, option, detail);
  };
  check(backoff.initialMs >= 0, 'backoff.initialMs', 'must be >= 0');
  check(backoff.maxMs >= backoff.initialMs, 'backoff.maxMs', 'must be >= initialMs');
  check(backoff.multiplier >= 1, 'backoff.multiplier', 'must be >= 1');
  check(backoff.jitter >= 0 && backoff.jitter <= 1, 'backoff.jitter', 'must be within 0..1');
  const maxRestarts = policy.maxRestarts ?? 10;
  const withinMs = policy.withinMs ?? 60_000;
  check(Number.isInteger(maxRestarts) && maxRestarts >= 0, 'maxRestarts', 'must be an integer >= 0');
  check(withinMs > 0, 'withinMs', 'must be > 0');
  return { directive: policy.directive ?? 'restart', backoff, maxRestarts, withinMs };
}

/**
 * Delay before restart number `attempt` (1 = first consecutive failure):
 * `initialMs * multiplier^(attempt-1)`, spread by `jitter` using `random`
 * (a value in [0,1)), clamped to `[0, maxMs]`.
 */
export function backoffDelay(attempt: number, backoff: Readonly<BackoffOptions>, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** exponent);
  const spread = backoff.jitter === 0 ? 1 : 1 + backoff.jitter * (2 * random() - 1);
  return Math.min(backoff.maxMs, Math.max(0, Math.round(base * spread)));
}

/** Per-actor supervision memory: consecutive failures and restart times. */
export class RestartTracker {
  private consecutive = 0;
  private restartTimes: number[] = [];

  constructor(
    private readonly policy: ResolvedSupervision,
    private readonly clock: ActorClock,
    private readonly random: () => number,
  ) {}

  /** Decides what to do about `error`. A throwing directive function counts as `stop`. */
  decide(error: unknown, failure: FailureInfo): SupervisionDecision {
    let directive: SupervisionDirective;
    try {
      directive = typeof this.policy.directive === 'function' ? this.policy.directive(error, failure) : this.policy.directive;
    } catch {
      directive = 'stop';
    }
    // Activation has no previous state to keep, so resume means restart there.
    if (directive === 'resume' && failure.phase === 'receive') return { action: 'resume' };
    if (directive === 'stop') return { action: 'stop', reason: 'failed' };
    const now = this.clock.now();
    this.restartTimes = this.restartTimes.filter((t) => now - t < this.policy.withinMs);
    if (this.restartTimes.length >= this.policy.maxRestarts) return { action: 'stop', reason: 'restart-limit' };
    this.restartTimes.push(now);
    this.consecutive += 1;
    return { action: 'restart', delayMs: backoffDelay(this.consecutive, this.policy.backoff, this.random) };
  }

  /** A message was handled after (re)activation: the backoff starts over. */
  succeeded(): void {
    this.consecutive = 0;
  }
}
