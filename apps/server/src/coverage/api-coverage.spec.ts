/**
 * docs/api-coverage.md is generated (`npm run api-coverage`): this fails when
 * a route, an event or Discord's spec changed and the page was not
 * regenerated, and checks the counts it reports against the route table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_COVERAGE_PATH, measureApiCoverage, renderApiCoverage, ROOT } from './api-coverage';

describe('docs/api-coverage.md', () => {
  const coverage = measureApiCoverage();

  it('is up to date (run `npm run api-coverage` after changing routes or events)', () => {
    expect(readFileSync(API_COVERAGE_PATH, 'utf8')).toBe(renderApiCoverage(coverage));
  });

  it("gives the README's status section its headline numbers", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`The REST API answers ${coverage.implemented} of the ${coverage.total} operations`);
    expect(readme).toContain(`the gateway sends ${coverage.events.filter((e) => e.sent).length} of the ${coverage.events.length} dispatch events`);
  });

  it("counts operations of Discord's spec, per resource, adding up to the headline", () => {
    expect(coverage.total).toBe(242);
    expect(coverage.resources.reduce((sum, r) => sum + r.total, 0)).toBe(coverage.total);
    expect(coverage.resources.reduce((sum, r) => sum + r.implemented.length, 0)).toBe(coverage.implemented);
    // Routes the API certainly serves are counted; ones it does not are not.
    const served = new Set(coverage.resources.flatMap((r) => r.implemented.map((o) => `${o.method} ${o.path}`)));
    expect(served.has('POST /channels/{channel_id}/messages')).toBe(true);
    expect(served.has('GET /gateway/bot')).toBe(true);
    expect(served.has('GET /guilds/{guild_id}/audit-logs')).toBe(false);
  });

  it('marks the events the server sends and the opcodes it speaks', () => {
    const sent = new Set(coverage.events.filter((e) => e.sent).map((e) => e.name));
    for (const name of ['READY', 'RESUMED', 'MESSAGE_CREATE', 'GUILD_CREATE', 'GUILD_MEMBERS_CHUNK']) expect(sent.has(name), name).toBe(true);
    expect(sent.has('AUTO_MODERATION_ACTION_EXECUTION')).toBe(false);
    const opcodes = new Map(coverage.opcodes.map((o) => [o.code, o.implemented]));
    expect(opcodes.get(6)).toBe(true);
    expect(opcodes.get(31)).toBe(false);
  });
});
