// Every configuration key of every deployable, from the deployables
// themselves: runs `apps/<app>/src/main.ts --help` and renders one table per
// service into docs/deploy.md between the config-docs markers, and each app's
// own table into apps/<app>/README.md between the app-config markers.
//
//   node --import tsx scripts/deploy/config-docs.mjs           # rewrite the section
//   node --import tsx scripts/deploy/config-docs.mjs --check   # exit 1 when out of date
//
// The logic lives beside the tests that check the sections
// (libs/deploy/src/config-docs.ts and app-readmes.ts, package @chat/deploy), loaded through tsx.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectHelp, README_APPS, renderAppConfig, REPO_ROOT, renderConfigDocs, SERVICE_APPS, spliceAppConfig, spliceConfigDocs } from '@chat/deploy';

const check = process.argv.includes('--check');
const helps = Object.fromEntries(await Promise.all(README_APPS.map(async (app) => [app, await collectHelp(app)])));
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

const stale = [];
for (const app of README_APPS) {
  const readmePath = join(REPO_ROOT, 'apps', app, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = spliceAppConfig(readme, renderAppConfig(app, helps[app]), app);
  if (updated === readme) continue;
  if (check) stale.push(`apps/${app}/README.md`);
  else writeFileSync(readmePath, updated);
}
if (check && stale.length > 0) {
  console.error(`${stale.join(', ')}: the configuration table is out of date; run node --import tsx scripts/deploy/config-docs.mjs`);
  process.exit(1);
}
console.log(check ? `apps/*/README.md: configuration tables up to date (${README_APPS.length} apps)` : `apps/*/README.md: configuration tables written (${README_APPS.length} apps)`);
