/**
 * The WebRTC route next to an unmodified @discordjs/voice 0.18 connection:
 * a werift "browser" and the Discord client join one call, each hears the
 * other's tone. @discordjs/voice dials wss:// without TLS options and Node
 * reads NODE_EXTRA_CA_CERTS only at start-up, so the call runs in a child
 * process started with it set to a certificate generated here first.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCert, type TlsMaterial } from '../gateway/tls-cert';

let dir: string;
let tls: TlsMaterial;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voice-webrtc-djs-'));
  tls = await generateSelfSignedCert('127.0.0.1', dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runScenario(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'libs/voice/src/webrtc/testing/webrtc-discordjs.scenario.ts'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.certPath, VOICE_CERT: tls.certPath, VOICE_KEY: tls.keyPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a browser (werift) and an unmodified @discordjs/voice client in one call', () => {
  it('the browser hears 440 Hz from Discord, Discord hears 660 Hz from the browser', async () => {
    const run = await runScenario();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result.browserHeard.packets).toBeGreaterThanOrEqual(70);
    expect(Math.abs(result.browserHeard.peakHz - 440)).toBeLessThanOrEqual(10);
    expect(Math.abs(result.browserHeard.zeroCrossingHz - 440)).toBeLessThan(15);
    expect(result.browserHeard.csrcs).toEqual([result.discordSsrc]);
    expect(result.discordHeard.packets).toBeGreaterThanOrEqual(70);
    expect(Math.abs(result.discordHeard.peakHz - 660)).toBeLessThanOrEqual(10);
    expect(Math.abs(result.discordHeard.zeroCrossingHz - 660)).toBeLessThan(15);
    expect(result.ssrcOfBrowserAtDiscord).toBe('200000000000000001');
    expect(result.participants).toEqual([
      { userId: '200000000000000001', connected: true, ssrc: result.browserSsrc },
      { userId: '200000000000000002', connected: true, ssrc: result.discordSsrc },
    ]);
  }, 90_000);
});
