/**
 * The whole binary in the test's own process: every module, SQLite in
 * memory, every port a free one, error-level logs only, `env` over those
 * defaults. What most server specs start, in one place.
 */
import { startServer, type RunningServer } from '@chat/modules';
import { allModules } from '../modules';
import { EPHEMERAL_PORTS } from './ephemeral-ports';

/** Starts the all-in-one server in this process. */
export function startInProcessServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    definitions: allModules,
    argv: [],
    handleSignals: false,
    env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: ':memory:', CHAT_LOG_LEVEL: 'error', ...env },
  });
}
