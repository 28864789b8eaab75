import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigFileError } from './errors';
import { describeConfig, loadConfig, readConfigFile } from './load-config';
import { boolSetting, enumSetting, intSetting, listSetting, portSetting, stringSetting } from './setting';

const schema = {
  port: portSetting('CHAT_TEST_PORT', { default: 50051, description: 'gRPC port' }),
  storage: enumSetting('CHAT_TEST_STORAGE', ['sqlite', 'scylla'], { default: 'sqlite', description: 'storage adapter' }),
  brokers: listSetting('CHAT_TEST_BROKERS', { default: [], description: 'Kafka brokers' }),
  verbose: boolSetting('CHAT_TEST_VERBOSE', { default: false, description: 'log more' }),
  nodeId: stringSetting('CHAT_TEST_NODE_ID', { description: 'this node', pattern: /^[a-z0-9-]+$/ }),
  timeoutMs: intSetting('CHAT_TEST_TIMEOUT_MS', { default: 5000, description: 'timeout', unit: 'ms', min: 1 }),
};

describe('loadConfig', () => {
  it('applies defaults and parses every kind from the environment', () => {
    const config = loadConfig(schema, {
      env: { CHAT_TEST_NODE_ID: 'node-1', CHAT_TEST_BROKERS: 'a:1, b:2,', CHAT_TEST_VERBOSE: 'yes', CHAT_TEST_STORAGE: 'scylla' },
    });
    expect(config).toEqual({ port: 50051, storage: 'scylla', brokers: ['a:1', 'b:2'], verbose: true, nodeId: 'node-1', timeoutMs: 5000 });
  });

  it('lets the environment win over the file and the file over defaults', () => {
    const config = loadConfig(schema, {
      env: { CHAT_TEST_PORT: '7000' },
      file: { CHAT_TEST_PORT: 6000, CHAT_TEST_TIMEOUT_MS: 10, CHAT_TEST_NODE_ID: 'from-file', CHAT_TEST_BROKERS: ['x:9'] },
    });
    expect(config.port).toBe(7000);
    expect(config.timeoutMs).toBe(10);
    expect(config.nodeId).toBe('from-file');
    expect(config.brokers).toEqual(['x:9']);
  });

  it.each([
    [{ CHAT_TEST_NODE_ID: 'n', CHAT_TEST_PORT: 'abc' }, 'CHAT_TEST_PORT', 'expected an integer'],
    [{ CHAT_TEST_NODE_ID: 'n', CHAT_TEST_PORT: '70000' }, 'CHAT_TEST_PORT', 'expected 0..65535'],
    [{ CHAT_TEST_NODE_ID: 'n', CHAT_TEST_STORAGE: 'mysql' }, 'CHAT_TEST_STORAGE', 'expected one of sqlite, scylla'],
    [{ CHAT_TEST_NODE_ID: 'Bad Id' }, 'CHAT_TEST_NODE_ID', 'must match'],
    [{ CHAT_TEST_NODE_ID: 'n', CHAT_TEST_VERBOSE: 'maybe' }, 'CHAT_TEST_VERBOSE', 'expected true or false'],
    [{}, 'CHAT_TEST_NODE_ID', 'is required'],
  ])('names the bad key %#', (env, key, reason) => {
    let caught: unknown;
    try {
      loadConfig(schema, { env });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).key).toBe(key);
    expect((caught as Error).message).toContain(key);
    expect((caught as Error).message).toContain(reason);
  });
});

describe('readConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-config-'));

  it('reads a JSON object', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, '{"CHAT_TEST_PORT": 1}');
    expect(readConfigFile(path)).toEqual({ CHAT_TEST_PORT: 1 });
  });

  it('refuses missing files, bad JSON and non-objects with the path in the message', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{nope');
    const list = join(dir, 'list.json');
    writeFileSync(list, '[1]');
    for (const path of [join(dir, 'missing.json'), bad, list]) {
      expect(() => readConfigFile(path)).toThrow(ConfigFileError);
      expect(() => readConfigFile(path)).toThrow(path);
    }
  });
});

describe('describeConfig', () => {
  it('lists every key with its default and unit', () => {
    const table = describeConfig(schema);
    expect(table).toContain('| `CHAT_TEST_PORT` | `50051` | port | gRPC port |');
    expect(table).toContain('| `CHAT_TEST_NODE_ID` | (required) | - | this node |');
    expect(table.split('\n')).toHaveLength(2 + Object.keys(schema).length);
  });
});
