import { InvalidArgumentError } from '@chat/errors';

/** What the server binary was asked to do. */
export interface ServerArgs {
  targets: string[];
  configFile: string | undefined;
  help: boolean;
}

/** Thrown when the command line has a flag the server does not know or a flag without its value. */
export class UsageError extends InvalidArgumentError {}

/**
 * Reads `--target=a,b` (or `--target a,b`, default from CHAT_TARGET or the
 * given default), `--config=path` (or CHAT_CONFIG_FILE) and `--help`.
 */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv, defaultTarget: string): ServerArgs {
  const args: ServerArgs = {
    targets: splitList(env['CHAT_TARGET'] || defaultTarget),
    configFile: env['CHAT_CONFIG_FILE'] || undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const match = /^--?(target|config)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument ${JSON.stringify(arg)}; usage: --target=all|<module,...> [--config=file.json] [--help]`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${match[1]} needs a value`);
    if (match[1] === 'target') args.targets = splitList(value);
    else args.configFile = value;
  }
  if (args.targets.length === 0) throw new UsageError('--target names no module');
  return args;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
