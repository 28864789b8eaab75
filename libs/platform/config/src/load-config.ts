import { readFileSync } from 'node:fs';
import { ConfigError, ConfigFileError } from './errors';
import type { Setting } from './setting';

/** A named group of settings; the loader turns it into a typed object. */
export type ConfigSchema = Record<string, Setting<unknown>>;

/** The typed result of loading a schema. */
export type ConfigOf<S extends ConfigSchema> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Where values come from: the environment wins over the file, the file over defaults. */
export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Values from a configuration file, keyed like the environment. */
  file?: Record<string, unknown>;
}

/**
 * Loads and validates every setting of a schema. Throws a ConfigError naming
 * the first bad or missing key; nothing starts with half a configuration.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, sources: ConfigSources = {}): ConfigOf<S> {
  const env = sources.env ?? process.env;
  const file = sources.file ?? {};
  const result: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(schema)) {
    const raw = env[setting.key] ?? file[setting.key];
    if (raw === undefined || raw === '') {
      if (setting.defaultValue === undefined) throw new ConfigError(setting.key, `is required (${setting.description})`);
      result[name] = setting.defaultValue;
      continue;
    }
    try {
      result[name] = setting.parse(raw);
    } catch (error) {
      throw new ConfigError(setting.key, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }
  return result as ConfigOf<S>;
}

/** Reads a JSON configuration file whose keys are the same as the environment's. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(path, 'cannot be read', { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(path, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigFileError(path, 'must hold a JSON object of KEY: value');
  }
  return parsed as Record<string, unknown>;
}

/** One row per setting, for READMEs: key, default, unit, description. */
export function describeConfig(schema: ConfigSchema): string {
  const rows = Object.values(schema).map((setting) => {
    const fallback = setting.defaultValue === undefined ? '(required)' : `\`${JSON.stringify(setting.defaultValue)}\``;
    return `| \`${setting.key}\` | ${fallback} | ${setting.unit || '-'} | ${setting.description} |`;
  });
  return ['| key | default | unit | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
