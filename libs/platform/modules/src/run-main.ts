import { ChatError } from '@chat/errors';
import type { ModuleDefinition } from './module';
import { serverHelp, startServer } from './run-server';
import { parseServerArgs } from './server-args';

/**
 * The whole `main` of every app: run the given modules until a signal or a
 * failure, then exit with a meaningful code (0 clean stop, 1 a module failed,
 * 2 bad arguments or configuration, with the offending key in the message).
 */
export async function runMain(definitions: readonly ModuleDefinition[], defaultTarget: string): Promise<never> {
  const argv = process.argv.slice(2);
  try {
    if (parseServerArgs(argv, process.env, defaultTarget).help) {
      console.log(serverHelp(definitions));
      process.exit(0);
    }
    const server = await startServer({ definitions, argv, defaultTarget });
    for (const [name, address] of Object.entries(server.endpoints)) console.log(`${name.padEnd(8)} ${address}`);
    const exit = await server.exited;
    process.exit(exit.code);
  } catch (error) {
    const usage = error instanceof ChatError && error.kind === 'invalid';
    console.error(usage ? `error: ${error.message}` : error);
    process.exit(usage ? 2 : 1);
  }
}
