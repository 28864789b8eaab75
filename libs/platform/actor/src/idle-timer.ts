/**
 * Passivation timer: fires once after `idleMs` without activity. Re-arming
 * replaces the pending timer; the timer does not keep the process alive.
 */
import { unrefTimer, type ActorClock, type TimerHandle } from './clock';

/** A restartable one-shot idle timer. */
export class IdleTimer {
  private handle: TimerHandle | undefined;

  /**
   * @param idleMs idle period, or undefined for "never passivate"
   * @param onIdle called when the period elapses without `clear` or `arm`
   */
  constructor(
    private readonly clock: ActorClock,
    private readonly idleMs: number | undefined,
    private readonly onIdle: () => void,
  ) {}

  /** (Re)starts the countdown; no-op without an idle period. */
  arm(): void {
    if (this.idleMs === undefined) return;
    this.clear();
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      this.onIdle();
    }, this.idleMs);
    unrefTimer(this.handle);
  }

  /** Cancels the countdown. */
  clear(): void {
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
