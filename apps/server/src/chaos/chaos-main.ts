/**
 * `npm run chaos -- [--store sqlite|scylla|both] [--quick] [--faults a,b] [--users N] [--json FILE]`:
 * brings up a fleet (2 gateways, 2 guild nodes, 2 data nodes, read states, search indexer, Kafka from
 * scripts/infra), injects each fault in turn under steady load, prints one table row per fault and
 * writes the figures as JSON (default data/chaos/chaos-<time>.json). Exits 1 when an accepted message
 * went missing or was stored twice.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fleetDown, fleetUp, ROOT } from '../fleet/fleet';
import { buildWorld, FAULTS, formatReports, runFault, type FaultReport } from './chaos-run';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    store: { type: 'string', default: 'sqlite' },
    quick: { type: 'boolean', default: false },
    faults: { type: 'string', default: '' },
    users: { type: 'string', default: '6' },
    json: { type: 'string', default: '' },
  },
});

async function main(): Promise<number> {
  const choice = values.store;
  const stores: readonly ('sqlite' | 'scylla')[] | undefined = choice === 'both' ? ['sqlite', 'scylla'] : choice === 'sqlite' || choice === 'scylla' ? [choice] : undefined;
  if (!stores) throw new Error(`--store must be sqlite, scylla or both, got ${JSON.stringify(values.store)}`);
  const wanted = values.faults.split(',').map((f) => f.trim()).filter(Boolean);
  const faults = wanted.length === 0 ? FAULTS : FAULTS.filter((f) => wanted.some((w) => f.name.startsWith(w)));
  if (faults.length === 0) throw new Error(`--faults matched none of: ${FAULTS.map((f) => f.name).join('; ')}`);
  const settings = { faultSeconds: values.quick ? 4 : 15, settleSeconds: values.quick ? 3 : 5, postIntervalMs: 100, deliveryGraceMs: 2_000, log: (line: string) => console.log(line) };
  const all: (FaultReport & { store: string })[] = [];
  for (const store of stores) {
    const dir = join(ROOT, 'data/chaos', store);
    const state = await fleetUp({ dir, store, env: { CHAT_API_RATE_LIMITS: 'off', CHAT_LOG_LEVEL: 'warn' } });
    try {
      const world = await buildWorld(state, Number(values.users));
      for (const fault of faults) {
        console.log(`\nchaos: ${store}: ${fault.name}`);
        const report = await runFault(fault, { dir, state, guildId: world.guildId, channelId: world.channelId, infraEnv: {}, log: settings.log }, world, settings);
        all.push({ ...report, store });
        console.log(formatReports([report], store));
      }
      for (const session of world.sessions) session.stop();
    } finally {
      await fleetDown(dir);
    }
  }
  console.log(`\n${stores.map((s) => formatReports(all.filter((r) => r.store === s), s)).join('\n\n')}`);
  const file = values.json ? resolve(values.json) : join(ROOT, 'data/chaos', `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), settings: { ...settings, log: undefined }, reports: all }, null, 2)}\n`);
  console.log(`\nchaos: figures in ${file}`);
  return all.some((r) => r.acceptedMissing > 0 || r.duplicates > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
