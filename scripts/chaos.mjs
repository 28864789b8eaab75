#!/usr/bin/env node
// `npm run chaos -- [...]`: installs what is missing, then runs apps/server/src/chaos/chaos-main.ts
// (a fleet under load, one fault at a time; its header lists the options).
import { spawnSync } from 'node:child_process';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/chaos/chaos-main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
