/**
 * One configuration key: its name (the same in the environment and in the
 * file), how to parse it, its default and its unit. Parsers throw a plain
 * message; the loader wraps it in a ConfigError that names the key.
 */
export interface Setting<T> {
  readonly key: string;
  readonly description: string;
  /** Unit shown in docs ("ms", "bytes", "port", "count"); empty when none. */
  readonly unit: string;
  /** Undefined means the key is required. */
  readonly defaultValue: T | undefined;
  parse(raw: unknown): T;
}

type Parser<T> = (raw: unknown) => T;

function makeSetting<T>(
  key: string,
  parse: Parser<T>,
  options: { default?: T; description: string; unit?: string },
): Setting<T> {
  return { key, parse, description: options.description, unit: options.unit ?? '', defaultValue: options.default };
}

function asText(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new Error(`expected a string, got ${JSON.stringify(raw)}`);
}

/** An integer setting within [min, max]. */
export function intSetting(
  key: string,
  options: { default?: number; description: string; unit?: string; min?: number; max?: number },
): Setting<number> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return makeSetting(
    key,
    (raw) => {
      const text = asText(raw);
      if (!/^-?\d+$/.test(text)) throw new Error(`expected an integer, got ${JSON.stringify(raw)}`);
      const value = Number(text);
      if (value < min || value > max) throw new Error(`expected ${min}..${max}, got ${value}`);
      return value;
    },
    options,
  );
}

/** A TCP/UDP port; 0 asks the OS for a free one. */
export function portSetting(key: string, options: { default?: number; description: string }): Setting<number> {
  return intSetting(key, { ...options, unit: 'port', min: 0, max: 65535 });
}

/** A free-text setting; `pattern` restricts it. */
export function stringSetting(
  key: string,
  options: { default?: string; description: string; pattern?: RegExp; unit?: string },
): Setting<string> {
  return makeSetting(
    key,
    (raw) => {
      const text = asText(raw);
      if (text === '') throw new Error('must not be empty');
      if (options.pattern && !options.pattern.test(text)) throw new Error(`must match ${options.pattern}, got ${JSON.stringify(text)}`);
      return text;
    },
    options,
  );
}

/** One of a fixed set of words. */
export function enumSetting<const T extends string>(
  key: string,
  choices: readonly T[],
  options: { default?: T; description: string },
): Setting<T> {
  return makeSetting(
    key,
    (raw) => {
      const text = asText(raw);
      if (!(choices as readonly string[]).includes(text)) throw new Error(`expected one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
      return text as T;
    },
    options,
  );
}

/** true/false (also 1/0, yes/no). */
export function boolSetting(key: string, options: { default?: boolean; description: string }): Setting<boolean> {
  return makeSetting(
    key,
    (raw) => {
      const text = asText(raw).toLowerCase();
      if (['true', '1', 'yes'].includes(text)) return true;
      if (['false', '0', 'no'].includes(text)) return false;
      throw new Error(`expected true or false, got ${JSON.stringify(raw)}`);
    },
    options,
  );
}

/** A comma-separated list (or a JSON array in the file). */
export function listSetting(key: string, options: { default?: string[]; description: string }): Setting<string[]> {
  return makeSetting(
    key,
    (raw) => {
      const items = Array.isArray(raw) ? raw.map(asText) : asText(raw).split(',');
      return items.map((item) => item.trim()).filter((item) => item !== '');
    },
    options,
  );
}
