/**
 * Runs `run` over `items` with at most `limit` calls in flight, in order of
 * start; rejects with the first failure. Load tools use it to register users
 * or open connections fast without opening thousands at once.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await run(items[index] as T, index);
      }
    }),
  );
}
