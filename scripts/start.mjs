// `npm start`: the whole system in one process on embedded defaults.
// Extra arguments go to the server binary, e.g. `npm start -- --target=guild`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDeps, root } from './ensure-deps.mjs';

ensureDeps();
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
