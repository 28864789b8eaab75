#!/usr/bin/env node
// `npm run soak -- [--minutes 30] [--sessions 1000] [--interval-ms 200]`: installs what is missing, then
// runs apps/server/src/soak/soak-main.ts (the all-in-one server under a long steady load; its header
// says what it measures).
import { spawnSync } from 'node:child_process';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/soak/soak-main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
