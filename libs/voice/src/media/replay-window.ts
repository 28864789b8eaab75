/**
 * Sliding-window replay protection over the 32-bit nonce counters a peer
 * appends to its packets (RFC 4303 §3.4.3 style). The highest counter seen
 * and a bitmask of the `size` counters below it are kept; a counter is
 * accepted once, and only if it is above the highest or inside the window.
 *
 * The counter space is not treated as circular: @discordjs/voice wraps to 0
 * after 2^32-1 packets (2.7 years of 20 ms frames), after which a peer's
 * packets would be rejected until a new session resets the window.
 */
export class ReplayWindow {
  private highest = -1;
  private mask = 0n; // bit i set = counter (highest - i) seen
  private readonly size: number;

  /** @param size how far below the highest seen counter a late packet is still accepted (1..64). */
  constructor(size = 64) {
    this.size = Math.max(1, Math.min(64, Math.floor(size)));
  }

  /** True when `counter` would be accepted (not seen, not too old); does not record it. */
  check(counter: number): boolean {
    if (counter > this.highest) return true;
    const age = this.highest - counter;
    if (age >= this.size) return false;
    return ((this.mask >> BigInt(age)) & 1n) === 0n;
  }

  /** Records `counter` as seen. Call only after the packet authenticated and {@link check} passed. */
  accept(counter: number): void {
    if (counter > this.highest) {
      const shift = this.highest < 0 ? this.size : counter - this.highest;
      this.mask = shift >= this.size ? 1n : ((this.mask << BigInt(shift)) | 1n) & ((1n << BigInt(this.size)) - 1n);
      this.highest = counter;
      return;
    }
    this.mask |= 1n << BigInt(this.highest - counter);
  }

  /** Forgets everything (a new session). */
  reset(): void {
    this.highest = -1;
    this.mask = 0n;
  }
}
