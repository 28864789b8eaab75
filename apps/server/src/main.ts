// The one binary: `--target=all` (default) runs every service in this process;
// `--target=guild,voice` runs a subset. See `--help` for every configuration key.
import { runMain } from '@chat/modules';
import { allModules } from './modules';

await runMain(allModules, 'all');
