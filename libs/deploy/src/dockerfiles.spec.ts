import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './config-docs';
import { committedDockerfile, IMAGES, renderDockerfile } from './dockerfiles';

describe('app Dockerfiles', () => {
  it('every app has an image spec and nothing else does', () => {
    const apps = readdirSync(join(REPO_ROOT, 'apps')).filter((name) => existsSync(join(REPO_ROOT, 'apps', name, 'src', 'main.ts')));
    expect(IMAGES.map((image) => image.app).sort()).toEqual(apps.sort());
  });

  it.each(IMAGES.map((image) => [image.app, image] as const))('apps/%s/Dockerfile is what the template renders (run: node --import tsx scripts/deploy/dockerfiles.mjs)', (_app, image) => {
    expect(committedDockerfile(image.app)).toBe(renderDockerfile(image));
  });

  it('only the HTTP apps expose 8080, and each image probes its own service', () => {
    for (const image of IMAGES) {
      const text = renderDockerfile(image);
      expect(text.includes('EXPOSE 50051 9464 8080')).toBe(image.http);
      expect(text).toContain(`"scripts/deploy/grpc-health-probe.mjs", "${image.healthService}"`);
      expect(text).toContain(`ENTRYPOINT ["node", "--import", "tsx", "apps/${image.app}/src/main.ts"]`);
    }
  });
});
