/**
 * Cleanups that must run however a benchmark ends (normal end, error,
 * Ctrl-C, SIGTERM): dropping its keyspace, releasing its servers. Run in
 * reverse order of registration, each once.
 */
const cleanups: { label: string; run: () => Promise<void> }[] = [];
let running: Promise<void> | undefined;
let interrupted = false;

/** True once SIGINT or SIGTERM arrived: the run is being torn down and its figures must not be written. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Registers a cleanup; returns a function that runs it now (and removes it). */
export function onCleanup(label: string, run: () => Promise<void>): () => Promise<void> {
  const entry = { label, run };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index < 0) return;
    cleanups.splice(index, 1);
    await run();
  };
}

/** Runs every registered cleanup (newest first); failures are printed, not thrown. */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    for (const entry of cleanups.splice(0).reverse()) {
      try {
        await entry.run();
      } catch (error) {
        console.error(`cleanup ${entry.label} failed: ${(error as Error).message}`);
      }
    }
  })();
  return running;
}

/** Runs the cleanups on SIGINT / SIGTERM, then exits 130 / 143. */
export function cleanupOnSignals(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: cleaning up (no results written)`);
      void runCleanups().finally(() => process.exit(code));
    });
  }
}

/** Runs `main`, then the cleanups whatever happened; exits 1 on an error. */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  cleanupOnSignals();
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  } finally {
    await runCleanups();
  }
}
