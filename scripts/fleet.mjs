#!/usr/bin/env node
// `npm run fleet -- <command>`: installs what is missing, then runs apps/server/src/fleet/fleet-cli.ts
// (the services as separate processes on loopback; `npm run fleet` alone prints the commands).
import { spawnSync } from 'node:child_process';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/fleet/fleet-cli.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
