/**
 * Unmodified @discordjs/voice 0.18 clients in a real call through this voice
 * node: one plays a 440 Hz tone, one listens and must hear 440 Hz, one in
 * another channel and one deafened must get nothing, in both encryption
 * modes. @discordjs/voice dials wss:// without TLS options and Node reads
 * NODE_EXTRA_CA_CERTS only at start-up, so the scenario runs in a child
 * process started with it set to a certificate generated here first.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedCert, type TlsMaterial } from './gateway/tls-cert';

let dir: string;
let tls: TlsMaterial;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voice-djs-'));
  tls = await generateSelfSignedCert('127.0.0.1', dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runScenario(mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'libs/voice/src/gateway/testing/discordjs-voice.scenario.ts'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.certPath, VOICE_MODE: mode, VOICE_CERT: tls.certPath, VOICE_KEY: tls.keyPath },
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

describe('unmodified @discordjs/voice 0.18 through the voice node', () => {
  for (const mode of ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize']) {
    it(`${mode}: the listener hears 440 Hz; another channel and a deafened member get nothing`, async () => {
      const run = await runScenario(mode);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
      expect(result.chosenModes).toEqual([mode, mode]);
      expect(result.packets).toBeGreaterThanOrEqual(90);
      expect(Math.abs(result.peakHz - 440)).toBeLessThanOrEqual(10);
      expect(Math.abs(result.zeroCrossingHz - 440)).toBeLessThan(15);
      // The same datagram count on the listener's socket proves the counter sees forwarded audio.
      expect(result.listenerDatagrams).toBeGreaterThanOrEqual(result.packets);
      expect(result.elsewhereDatagrams).toBe(0);
      expect(result.deafenedDatagrams).toBe(0);
      expect(result.counters.packetsForwarded).toBeGreaterThanOrEqual(result.packets);
      expect(result.participants.map((p: { userId: string; deafened: boolean }) => [p.userId, p.deafened])).toEqual([
        ['200000000000000002', false],
        ['200000000000000004', true],
        ['200000000000000001', false],
      ]);
    }, 90_000);
  }
});
