export { ConfigError, ConfigFileError } from './errors';
export {
  type Setting,
  intSetting,
  portSetting,
  stringSetting,
  enumSetting,
  boolSetting,
  listSetting,
} from './setting';
export { loadConfig, readConfigFile, describeConfig, type ConfigSchema, type ConfigOf, type ConfigSources } from './load-config';
