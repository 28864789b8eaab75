// Every configuration key of every deployable, from the deployables
// themselves: runs `apps/<app>/src/main.ts --help` and renders one table per
// service into docs/deploy.md between the config-docs markers.
//
//   node --import tsx scripts/deploy/config-docs.mjs           # rewrite the section
//   node --import tsx scripts/deploy/config-docs.mjs --check   # exit 1 when out of date
//
// The logic lives beside the test that checks the section
// (libs/platform/testing/src/deploy/config-docs.ts), loaded through tsx.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectHelp, REPO_ROOT, renderConfigDocs, SERVICE_APPS, spliceConfigDocs } from '../../libs/platform/testing/src/deploy/config-docs.ts';

const check = process.argv.includes('--check');
const helps = Object.fromEntries(await Promise.all(SERVICE_APPS.map(async (app) => [app, await collectHelp(app)])));
const path = join(REPO_ROOT, 'docs', 'deploy.md');
const current = readFileSync(path, 'utf8');
const next = spliceConfigDocs(current, renderConfigDocs(helps));
if (check) {
  if (next !== current) {
    console.error('docs/deploy.md: the configuration section is out of date; run node --import tsx scripts/deploy/config-docs.mjs');
    process.exit(1);
  }
  console.log('docs/deploy.md: configuration section up to date');
} else {
  writeFileSync(path, next);
  console.log(`docs/deploy.md: configuration section written (${SERVICE_APPS.length} services)`);
}
