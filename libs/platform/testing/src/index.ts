export { infra, type InfraEndpoints, type InfraSource } from './endpoints';
export { uniqueName } from './unique-name';
export { seededRandom } from './seeded-random';
export {
  TestingError,
  InfraUnavailableError,
  InfraScriptError,
  InvalidInfraEnvError,
  type InfraService,
} from './errors';
export { freePort } from './free-port';
export { forEachLimited } from './for-each-limited';
