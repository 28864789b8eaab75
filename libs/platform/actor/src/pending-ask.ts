/**
 * One outstanding `ask`: the caller's promise, the reply handle put into the
 * message, and the timeout. Settles exactly once; whoever comes first (reply,
 * fail, timeout, runtime rejection) wins and the rest are ignored.
 *
 * A reply given while the target actor is inside a handler is held until
 * that handler's turn ends, so the caller resumes only after the new state
 * (and snapshot) is committed, and a handler that replies and then throws
 * does not hand out an answer whose state was rolled back.
 */
import type { ActorClock, TimerHandle } from './clock';
import type { Reply } from './types';

type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Holds replies given during one handler turn of one actor. */
export class TurnBuffer {
  private open = false;
  private held: PendingAsk<unknown>[] = [];

  /** True between `begin` and `end`. */
  get active(): boolean {
    return this.open;
  }

  /** A handler turn starts: replies are held from now on. */
  begin(): void {
    this.open = true;
  }

  /** Holds `ask` until `end`. */
  hold(ask: PendingAsk<unknown>): void {
    this.held.push(ask);
  }

  /** The turn is over: delivers every held reply in the order given. */
  end(): void {
    this.open = false;
    const held = this.held;
    this.held = [];
    for (const ask of held) ask.flush();
  }
}

/** An ask waiting for its reply. */
export class PendingAsk<R> {
  /** What `ask` returns to the caller. */
  readonly promise: Promise<R>;
  /** The handle the message carries. */
  readonly reply: Reply<R>;
  private resolveFn!: (value: R) => void;
  private rejectFn!: (error: unknown) => void;
  private timer: TimerHandle | undefined;
  private phase: 'open' | 'held' | 'done' = 'open';
  private heldOutcome: Outcome<R> | undefined;
  private readonly markSettled: () => void;

  /**
   * @param clock timer source for the timeout
   * @param onSettle called once, when the ask stops being open (answered, held or rejected)
   * @param turn the target actor's turn buffer; replies given during a turn wait for its end
   */
  constructor(
    private readonly clock: ActorClock,
    private readonly onSettle: (ask: PendingAsk<R>) => void,
    private readonly turn?: TurnBuffer,
  ) {
    this.promise = new Promise<R>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    const reply = ((value: R) => this.settle({ ok: true, value }, true)) as Reply<R> & { settled: boolean; fail: Reply<R>['fail'] };
    reply.fail = (error: unknown) => this.settle({ ok: false, error }, true);
    reply.settled = false;
    this.reply = reply;
    this.markSettled = () => (reply.settled = true);
  }

  /** True once answered (even if the answer is still held), rejected or timed out. */
  get settled(): boolean {
    return this.phase !== 'open';
  }

  /** Rejects with `makeError()` if still open after `ms`. */
  armTimeout(ms: number, makeError: () => Error): void {
    if (this.phase !== 'open') return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.settle({ ok: false, error: makeError() }, false);
    }, ms);
  }

  /** Resolves now, bypassing the turn buffer (first settle wins). */
  resolve(value: R): void {
    this.settle({ ok: true, value }, false);
  }

  /** Rejects now, bypassing the turn buffer (first settle wins). */
  reject(error: unknown): void {
    this.settle({ ok: false, error }, false);
  }

  /** The message of this ask crashed its handler: reject, replacing a reply held in that turn. */
  failTurn(error: unknown): void {
    if (this.phase === 'held') {
      this.phase = 'done';
      this.heldOutcome = undefined;
      this.rejectFn(error);
    } else {
      this.reject(error);
    }
  }

  /** Delivers a held reply (called by the turn buffer). */
  flush(): void {
    if (this.phase !== 'held' || this.heldOutcome === undefined) return;
    this.phase = 'done';
    this.deliver(this.heldOutcome);
    this.heldOutcome = undefined;
  }

  private settle(outcome: Outcome<R>, fromReplyHandle: boolean): void {
    if (this.phase !== 'open') return;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.markSettled();
    if (fromReplyHandle && this.turn?.active === true) {
      this.phase = 'held';
      this.heldOutcome = outcome;
      this.turn.hold(this as PendingAsk<unknown>);
    } else {
      this.phase = 'done';
      this.deliver(outcome);
    }
    this.onSettle(this);
  }

  private deliver(outcome: Outcome<R>): void {
    if (outcome.ok) this.resolveFn(outcome.value);
    else this.rejectFn(outcome.error);
  }
}
