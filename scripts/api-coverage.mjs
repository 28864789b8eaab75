#!/usr/bin/env node
// `npm run api-coverage`: installs what is missing, then writes docs/api-coverage.md
// (apps/server/src/coverage/api-coverage.ts): REST operations of Discord's OpenAPI description
// with a route here, per resource, and the gateway events and opcodes implemented.
import { spawnSync } from 'node:child_process';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/coverage/api-coverage-main.ts'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
