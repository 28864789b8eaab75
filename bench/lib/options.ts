/** Command-line options of a benchmark: `--quick`, `--name=value`, positive integers, and `--backends=sqlite,scylla`. */

/** Reads the options of `args` (default: this process's). */
export function benchOptions(args: readonly string[] = process.argv.slice(2)) {
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const intOption = (name: string, fallback: number) => {
    const value = Number(option(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const backends = (option('backends') ?? 'sqlite,scylla').split(',');
  for (const name of backends) if (name !== 'sqlite' && name !== 'scylla') throw new Error(`--backends lists sqlite and/or scylla, got ${name}`);
  return { quick: args.includes('--quick'), option, intOption, backends };
}
