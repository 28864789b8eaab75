// Each app's README documents every configuration key the app reads, with its
// default and unit, exactly as the app's own --help prints them now: a key
// added, removed or re-defaulted without regenerating the README fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_CONFIG_BEGIN, APP_CONFIG_END, README_APPS, renderAppConfig, spliceAppConfig } from './app-readmes';
import { collectHelp, parseHelp, REPO_ROOT } from './config-docs';

const helps: Record<string, string> = {};

beforeAll(async () => {
  const texts = await Promise.all(README_APPS.map((app) => collectHelp(app)));
  README_APPS.forEach((app, i) => (helps[app] = texts[i]!));
}, 180_000);

describe('apps/<app>/README.md configuration tables', () => {
  it.each(README_APPS)('%s: the table is what --help prints now', (app) => {
    const readme = readFileSync(join(REPO_ROOT, 'apps', app, 'README.md'), 'utf8');
    expect(readme.startsWith('# '), 'the README starts with a title').toBe(true);
    const expected = spliceAppConfig(readme, renderAppConfig(app, helps[app]!), app);
    expect(readme, 'run: node --import tsx scripts/deploy/config-docs.mjs').toBe(expected);
    const keys = parseHelp(helps[app]!).flatMap((s) => s.settings.map((setting) => setting.key));
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(readme).toContain(`| \`${key}\` |`);
  });

  it('a stale table is detected and a README without markers is refused', () => {
    const help = helps.voice!;
    const fresh = `# x\n\n${APP_CONFIG_BEGIN}\n${APP_CONFIG_END}\n`;
    const written = spliceAppConfig(fresh, renderAppConfig('voice', help), 'voice');
    expect(written).toContain('| `CHAT_VOICE_UDP_PORT` | `50000` | port | voice |');
    const stale = written.replace('| `CHAT_VOICE_UDP_PORT` | `50000` |', '| `CHAT_VOICE_UDP_PORT` | `50001` |');
    expect(spliceAppConfig(stale, renderAppConfig('voice', help), 'voice')).not.toBe(stale);
    expect(() => spliceAppConfig('# no markers\n', renderAppConfig('voice', help), 'voice')).toThrow(/apps\/voice\/README.md has no app-config markers/);
  });
});
