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

/**
 * Turns `map` itself into a tracked map reporting to `listener`, in O(1):
 * its prototype becomes TrackedMap's (the entries stay where they are; a
 * copy of a 100,000-entry map would hold the thread for tens of ms). Every
 * holder of the map sees the tracking, so nothing needs re-pointing.
 */
export function tracked<V>(map: Map<string, V>, listener: ChangeListener): TrackedMap<V> {
  if (!(map instanceof TrackedMap)) Object.setPrototypeOf(map, TrackedMap.prototype);
  const result = map as TrackedMap<V>;
  result.listener = listener;
  return result;
}
