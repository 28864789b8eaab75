/**
 * Search end to end in the embedded setup (every module in one process,
 * memory bus, SQLite store and SQLite FTS5 index): see search-e2e.scenario.ts.
 */
import { afterEach, describe, it } from 'vitest';
import type { RunningServer } from '@chat/modules';
import { runSearchScenario } from './search-e2e.scenario';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.shutdown('test');
  server = undefined;
});

describe('search, embedded (memory bus, SQLite FTS5)', () => {
  it('a message sent through REST becomes searchable through the search routes; permissions, edits, deletes and DMs hold', async () => {
    await runSearchScenario({ CHAT_SEARCH_SQLITE_PATH: ':memory:' }, { timeoutMs: 10_000, onServer: (s) => (server = s) });
  }, 60_000);
});
