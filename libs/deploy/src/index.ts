// What scripts/deploy/*.mjs use: the generators of docs/deploy.md's key
// tables, the apps' README tables and the apps' Dockerfiles. The checks
// themselves are the spec files beside them.
export {
  collectHelp,
  CONFIG_DOCS_BEGIN,
  CONFIG_DOCS_END,
  parseHelp,
  renderConfigDocs,
  REPO_ROOT,
  SERVICE_APPS,
  spliceConfigDocs,
  type HelpSection,
  type HelpSetting,
} from './config-docs';
export { APP_CONFIG_BEGIN, APP_CONFIG_END, README_APPS, renderAppConfig, spliceAppConfig } from './app-readmes';
export { committedDockerfile, IMAGES, renderDockerfile, type ImageSpec } from './dockerfiles';
