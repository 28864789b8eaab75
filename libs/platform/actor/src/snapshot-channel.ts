/**
 * The last snapshot of one actor plus its subscribers. A throwing listener
 * is reported and skipped; it never reaches the actor's handler.
 */

/** Current snapshot and listeners of one actor. */
export class SnapshotChannel<Snapshot> {
  private current: Snapshot | undefined;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  /** @param onListenerError called with whatever a listener threw */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** The last published snapshot, or undefined before the first. */
  get value(): Snapshot | undefined {
    return this.current;
  }

  /** Stores `snapshot` and calls every listener with it. */
  publish(snapshot: Snapshot): void {
    this.current = snapshot;
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Adds a listener (the same function twice counts twice); returns its unsubscribe. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    const entry = (snapshot: Snapshot): void => listener(snapshot);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  /** Drops every listener; the last value stays readable. */
  close(): void {
    this.listeners.clear();
  }
}
