// `npm run fleet -- <command>`: the services as separate processes on this machine (loopback only),
// the way a fleet runs them, for trying failures by hand; scripts/chaos.mjs runs the same fleet.
//
//   up [--gateways N] [--guilds N] [--data N] [--store sqlite|scylla] [--base-port P] [--dir D] [--rate-limits R]
//        N of each service (defaults 2, 2, 2; one read-states, one search-indexer) on ports from P
//        (default 21000); Kafka from scripts/infra (and Cassandra with --store scylla); SQLite in
//        D/chat.db by default; R is CHAT_API_RATE_LIMITS (discord, off or JSON).
//   status            every node: pid, state, ports
//   kill <node>       SIGKILL (a crash)          stop <node>   SIGTERM (a drain)
//   restart <node>    start a stopped or killed node again: same id, ports and data
//   logs <node>       the last lines of a node's log
//   down              stop every node (the infra servers stay; `npm run infra -- down` stops them)
//
// State (nodes, pids, ports, log files) is in D/fleet.json (default data/fleet/).
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { describe, FleetError, fleetDown, fleetUp, HOST, nodeOf, readState, restartNode, ROOT, stopNode } from './fleet';

const usage =
  'usage: npm run fleet -- up [--gateways N] [--guilds N] [--data N] [--store sqlite|scylla] [--base-port P] [--dir D] [--rate-limits R] | status | kill <node> | stop <node> | restart <node> | logs <node> | down';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    gateways: { type: 'string', default: '2' },
    guilds: { type: 'string', default: '2' },
    data: { type: 'string', default: '2' },
    store: { type: 'string', default: 'sqlite' },
    'base-port': { type: 'string', default: '21000' },
    'rate-limits': { type: 'string', default: 'discord' },
    dir: { type: 'string', default: join(ROOT, 'data/fleet') },
  },
});
const [command, target] = positionals;
const dir = resolve(values.dir);

/** A whole number in [min, max] from an option, or exit 2 naming it. */
function count(name: 'gateways' | 'guilds' | 'data' | 'base-port', min: number, max: number): number {
  const text = values[name];
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new FleetError(`--${name} must be ${min}..${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

async function main(): Promise<void> {
  switch (command) {
    case 'up': {
      const options = {
        dir,
        gateways: count('gateways', 1, 8),
        guilds: count('guilds', 1, 8),
        data: count('data', 1, 8),
        basePort: count('base-port', 1024, 60000),
        store: values.store as 'sqlite' | 'scylla',
        env: { CHAT_API_RATE_LIMITS: values['rate-limits'] },
      };
      const state = await fleetUp(options);
      console.log('');
      for (const node of state.nodes) console.log(describe(node));
      const gateway = state.nodes.find((n) => n.app === 'gateway')!;
      console.log(`\napi      http://${HOST}:${gateway.http}/api   (each gateway node serves the API)\nstate    ${join(dir, 'fleet.json')}`);
      return;
    }
    case 'status': {
      const state = readState(dir);
      if (!state) throw new FleetError(`no fleet in ${dir}`);
      for (const node of state.nodes) console.log(describe(node));
      return;
    }
    case 'kill':
    case 'stop': {
      const node = nodeOf(readState(dir), target);
      await stopNode(node, command === 'kill' ? 'SIGKILL' : 'SIGTERM');
      console.log(`fleet: ${node.id} ${command === 'kill' ? 'killed' : 'stopped'}`);
      return;
    }
    case 'restart': {
      const state = readState(dir);
      await restartNode(dir, state!, nodeOf(state, target));
      return;
    }
    case 'logs': {
      const node = nodeOf(readState(dir), target);
      console.log((node.log && existsSync(node.log) ? readFileSync(node.log, 'utf8') : '').split('\n').slice(-40).join('\n'));
      return;
    }
    case 'down': {
      const state = await fleetDown(dir);
      if (!state) throw new FleetError(`no fleet in ${dir}`);
      for (const node of state.nodes) console.log(`fleet: ${node.id} stopped`);
      return;
    }
    default:
      console.error(usage);
      process.exit(2);
  }
}

// `npm run fleet -- status | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

main().catch((error: unknown) => {
  console.error(error instanceof FleetError ? `fleet: ${error.message}` : error);
  process.exit(error instanceof FleetError ? 2 : 1);
});
