#!/usr/bin/env node
// `npm run fuzz [-- --frames N --seed S]`: the gateway fuzz spec at full size (200,000 frames by
// default; CI runs 20,000) against apps/server in a child process. Prints the report (frames,
// connections, closes by code, dropped connections, upgrade answers by status) and fails on any
// dropped connection, non-Discord close code, error log line or server death. Replay a failure
// with the seed it printed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const frames = option('frames', '200000');
const seed = option('seed', String(Date.now() % 2 ** 31));
if (!/^\d+$/.test(frames) || !/^\d+$/.test(seed)) {
  console.error('usage: npm run fuzz -- [--frames N] [--seed S]');
  process.exit(2);
}
ensureDeps();
console.log(`fuzz: ${frames} frames, seed ${seed}`);
const result = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run', 'apps/server/src/gateway-fuzz.spec.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CHAT_FUZZ_FRAMES: frames, CHAT_FUZZ_SEED: seed },
});
process.exit(result.status ?? 1);
