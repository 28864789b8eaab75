/**
 * No client byte ends the server or goes unanswered (issue #12): 20,000
 * seeded random and malformed gateway frames (CHAT_FUZZ_FRAMES to change it;
 * `npm run fuzz` sends 200,000) and 400 hostile upgrade requests against
 * apps/server in a child process. Every connection the server ends gets a
 * Discord close code (4000-4014), never a dropped socket; every upgrade
 * request gets an HTTP answer; the process logs no error and still serves a
 * well-behaved client afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { fuzzGateway } from './testing/gateway-fuzzer';
import { startFuzzTarget, type FuzzTarget } from './testing/fuzz-target';

const FRAMES = Number(process.env.CHAT_FUZZ_FRAMES ?? 20_000);
const SEED = Number(process.env.CHAT_FUZZ_SEED ?? 0x5eed);

let target: FuzzTarget | undefined;
afterAll(() => target?.stop());

describe('gateway fuzz', () => {
  it(`survives ${FRAMES} fuzzed frames and 400 hostile upgrades, answering each`, async () => {
    target = await startFuzzTarget();
    const report = await fuzzGateway({
      url: target.gateway,
      tokens: target.tokens,
      knownIds: target.knownIds,
      frames: FRAMES,
      upgradeRequests: 400,
      seed: SEED,
      progress: (sent) => (sent % 50_000 === 0 ? console.log(`fuzz: ${sent} frames sent`) : undefined),
    });
    console.log(`fuzz report: ${JSON.stringify(report)}`);
    expect(report.frames).toBe(FRAMES);
    expect(target.alive()).toBe(true);
    expect(report.dropped).toBe(0);
    const notDiscord = Object.keys(report.closes).filter((code) => Number(code) < 4000 || Number(code) > 4014);
    expect(notDiscord).toEqual([]);
    expect(Object.keys(report.upgradeAnswers).filter((status) => !/^[1-5]\d\d$/.test(status))).toEqual([]);
    expect(report.upgradeAnswers['500'] ?? 0).toBe(0);
    expect(target.errorLines()).toEqual([]);

    const ws = new WebSocket(`${target.gateway}/?v=10&encoding=json`);
    const frames: { op: number; t: string | null }[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as { op: number; t: string | null }));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ op: 2, d: { token: target.tokens[0], intents: 513, properties: {} } }));
    for (let i = 0; i < 100 && !frames.some((f) => f.t === 'READY'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    ws.terminate();
    expect(frames.some((f) => f.t === 'READY')).toBe(true);
  }, 600_000);
});
