import { describe, expect, it } from 'vitest';
import { parseServerArgs, UsageError } from './server-args';

describe('parseServerArgs', () => {
  it('defaults to all, or CHAT_TARGET', () => {
    expect(parseServerArgs([], {}, 'all').targets).toEqual(['all']);
    expect(parseServerArgs([], { CHAT_TARGET: 'guild,voice' }, 'all').targets).toEqual(['guild', 'voice']);
  });

  it('reads --target and --config in both spellings', () => {
    expect(parseServerArgs(['--target=gateway, guild'], {}, 'all')).toEqual({ targets: ['gateway', 'guild'], configFile: undefined, help: false });
    expect(parseServerArgs(['-target', 'voice', '--config', 'c.json'], {}, 'all')).toEqual({ targets: ['voice'], configFile: 'c.json', help: false });
    expect(parseServerArgs(['--help'], { CHAT_CONFIG_FILE: 'x.json' }, 'all')).toMatchObject({ help: true, configFile: 'x.json' });
  });

  it('refuses unknown flags and flags without values', () => {
    expect(() => parseServerArgs(['--port=1'], {}, 'all')).toThrow(UsageError);
    expect(() => parseServerArgs(['--target'], {}, 'all')).toThrow('--target needs a value');
    expect(() => parseServerArgs(['--target=,'], {}, 'all')).toThrow('names no module');
  });
});
