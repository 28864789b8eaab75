// Writes apps/<app>/Dockerfile for every deployable from one template
// (libs/deploy/src/dockerfiles.ts, package @chat/deploy, loaded through tsx).
//
//   node --import tsx scripts/deploy/dockerfiles.mjs           # rewrite them
//   node --import tsx scripts/deploy/dockerfiles.mjs --check   # exit 1 when one is out of date
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { committedDockerfile, IMAGES, renderDockerfile, REPO_ROOT } from '@chat/deploy';

const check = process.argv.includes('--check');
const stale = IMAGES.filter((image) => committedDockerfile(image.app) !== renderDockerfile(image)).map((image) => image.app);
if (check) {
  if (stale.length > 0) {
    console.error(`out of date: ${stale.map((app) => `apps/${app}/Dockerfile`).join(', ')}; run node --import tsx scripts/deploy/dockerfiles.mjs`);
    process.exit(1);
  }
  console.log(`${IMAGES.length} Dockerfiles up to date`);
} else {
  for (const image of IMAGES) writeFileSync(join(REPO_ROOT, 'apps', image.app, 'Dockerfile'), renderDockerfile(image));
  console.log(`wrote ${IMAGES.length} Dockerfiles (${stale.length} changed)`);
}
