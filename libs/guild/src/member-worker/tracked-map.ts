/**
 * A Map that reports which keys changed. The guild actor's member, user and
 * presence maps become tracked maps once the guild has a worker replica, so
 * every change (wherever in the guild code it happens) reaches the replica
 * without each mutation point having to know about workers.
 */

/** Called with the key of every set or delete (and each key on clear). */
export type ChangeListener = (key: string) => void;

/** A Map<string, V> whose writes call `listener`. */
export class TrackedMap<V> extends Map<string, V> {
  /** Current listener; undefined while nobody replicates this map. */
  listener: ChangeListener | undefined;

  /** Copies `entries` (reads them before `listener` is set, so the copy reports nothing). */
  constructor(entries: Iterable<readonly [string, V]>, listener?: ChangeListener) {
    super(entries);
    this.listener = listener;
  }

  override set(key: string, value: V): this {
    super.set(key, value);
    this.listener?.(key);
    return this;
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.listener?.(key);
    return had;
  }

  override clear(): void {
    const keys = [...this.keys()];
    super.clear();
    for (const key of keys) this.listener?.(key);
  }
}

/** `map` as a tracked map reporting to `listener` (the same map when it already is one). */
export function tracked<V>(map: Map<string, V>, listener: ChangeListener): TrackedMap<V> {
  if (map instanceof TrackedMap) {
    (map as TrackedMap<V>).listener = listener;
    return map as TrackedMap<V>;
  }
  return new TrackedMap(map, listener);
}
