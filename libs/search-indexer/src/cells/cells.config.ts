/** Parses the cell lists of the configuration: CHAT_SEARCH_CELLS and CHAT_SEARCH_DEDICATED. */
import { ConfigError } from '@chat/config';

/** One Elasticsearch cluster. */
export interface CellConfig {
  readonly name: string;
  readonly url: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** `cell-a=http://h1:9200,cell-b=http://h2:9200` → cells, in order. @throws {ConfigError} naming CHAT_SEARCH_CELLS for a bad or duplicate entry. */
export function parseCells(entries: readonly string[]): CellConfig[] {
  const cells: CellConfig[] = [];
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    if (at <= 0 || !NAME.test(name)) throw new ConfigError('CHAT_SEARCH_CELLS', `expected name=url with a lower-case name, got ${JSON.stringify(entry)}`);
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw new ConfigError('CHAT_SEARCH_CELLS', `expected an http(s) URL for cell ${name}, got ${JSON.stringify(url)}`);
    if (cells.some((cell) => cell.name === name)) throw new ConfigError('CHAT_SEARCH_CELLS', `cell ${name} is listed twice`);
    cells.push({ name, url });
  }
  return cells;
}

/** `guild_id=cell,...` → guild → cell, each cell one of `cells`. @throws {ConfigError} naming CHAT_SEARCH_DEDICATED. */
export function parseDedicated(entries: readonly string[], cells: readonly string[]): Map<string, string> {
  const pins = new Map<string, string>();
  for (const entry of entries) {
    const [guildId = '', cell = '', ...rest] = entry.split('=').map((part) => part.trim());
    if (rest.length > 0 || !/^\d{1,20}$/.test(guildId)) throw new ConfigError('CHAT_SEARCH_DEDICATED', `expected guild_id=cell, got ${JSON.stringify(entry)}`);
    if (!cells.includes(cell)) throw new ConfigError('CHAT_SEARCH_DEDICATED', `cell ${JSON.stringify(cell)} is not in CHAT_SEARCH_CELLS`);
    pins.set(guildId, cell);
  }
  return pins;
}
