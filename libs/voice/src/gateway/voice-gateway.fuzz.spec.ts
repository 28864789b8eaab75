import { readFile } from 'node:fs/promises';
import { silentLogger } from '@chat/observability';
import { seededRandom } from '@chat/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedVoiceClient } from './testing/scripted-voice-client';
import { VoiceOp } from './voice-opcodes';
import { startVoiceNode, type VoiceNode } from './voice-node';

const GUILD = '100000000000000001';
const CHANNEL = '100000000000000010';

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.floor(random() * 2 ** 33) - 2 ** 32;
    case 3: return random() * 1e308 * (random() < 0.5 ? -1 : 1);
    case 4: return 'x'.repeat(Math.floor(random() * 40));
    case 5: return ['udp', 'aead_aes256_gcm_rtpsize', '127.0.0.1', '100000000000000001', '\u0000\uffff', '__proto__'][Math.floor(random() * 6)];
    case 6: return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
    default: {
      const keys = ['server_id', 'user_id', 'session_id', 'token', 'protocol', 'data', 'address', 'port', 'mode', 'speaking', 'ssrc', 't', 'seq_ack', '__proto__', 'constructor'];
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 6); i > 0; i -= 1) object[keys[Math.floor(random() * keys.length)]!] = randomValue(random, depth + 1);
      return object;
    }
  }
}

/** One random frame: raw bytes (binary or as text), broken JSON, or a JSON frame with a random op and data. */
function randomFrame(random: () => number): { data: string | Buffer; binary: boolean } {
  const kind = Math.floor(random() * 5);
  if (kind === 0) return { data: Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256))), binary: true };
  if (kind === 1) return { data: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256))), binary: false };
  if (kind === 2) return { data: JSON.stringify({ op: 0, d: randomValue(random) }).slice(0, Math.floor(random() * 30)), binary: false };
  if (kind === 3) return { data: 'y'.repeat(4000 + Math.floor(random() * 200)), binary: false };
  const op = random() < 0.8 ? Math.floor(random() * 14) : randomValue(random);
  return { data: JSON.stringify({ op, d: randomValue(random), seq: randomValue(random) }), binary: false };
}

let node: VoiceNode;
let ca: Buffer;

beforeAll(async () => {
  node = await startVoiceNode({
    nodeId: 'voice-fuzz', host: '127.0.0.1', publicHost: '', wsPort: 0, udpPort: 0, tlsCert: '', tlsKey: '',
    tokenTtlMs: 60_000, modes: ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'], logger: silentLogger(), heartbeatIntervalMs: 10_000, graceMs: 200,
  });
  ca = await readFile(node.certPath);
});

afterAll(async () => {
  await node.close();
});

describe('voice gateway fuzz', () => {
  it('survives random frames on fresh and identified connections and still serves a fresh connection', async () => {
    const seed = Number(process.env.VOICE_FUZZ_SEED ?? 20261128);
    const random = seededRandom(seed);
    const codes = new Map<number, number>();
    for (let round = 0; round < 200; round += 1) {
      const client = await ScriptedVoiceClient.open(node.endpoint, ca, random() < 0.5 ? 4 : 8);
      if (random() < 0.5) {
        const userId = String(300000000000000000n + BigInt(round));
        const { token } = node.allocator.allocate({ guildId: GUILD, channelId: CHANNEL, userId, sessionId: `fuzz-${round}` });
        client.send(VoiceOp.Identify, { server_id: GUILD, user_id: userId, session_id: `fuzz-${round}`, token });
        await client.next(VoiceOp.Ready);
      }
      for (let i = 1 + Math.floor(random() * 8); i > 0; i -= 1) {
        const frame = randomFrame(random);
        if (client.ws.readyState !== client.ws.OPEN) break;
        client.sendRaw(frame.data, frame.binary);
      }
      client.close();
      const { code } = await client.closed;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // Every close is ours (4001..4016), ws's own (1007 invalid UTF-8) or the client's polite 1000/1005.
    for (const code of codes.keys()) expect([1000, 1005, 1007, 4001, 4002, 4003, 4004, 4005, 4006, 4012, 4016]).toContain(code);
    expect(codes.get(4002) ?? 0).toBeGreaterThan(20);

    const { token } = node.allocator.allocate({ guildId: GUILD, channelId: CHANNEL, userId: '200000000000000001', sessionId: 'after-fuzz' });
    const fresh = await ScriptedVoiceClient.open(node.endpoint, ca);
    fresh.send(VoiceOp.Identify, { server_id: GUILD, user_id: '200000000000000001', session_id: 'after-fuzz', token });
    expect((await fresh.next(VoiceOp.Ready)).d.port).toBe(node.media.port);
    fresh.send(VoiceOp.SelectProtocol, { protocol: 'udp', data: { address: '127.0.0.1', port: 40000, mode: 'aead_aes256_gcm_rtpsize' } });
    expect((await fresh.next(VoiceOp.SessionDescription)).d.secret_key).toHaveLength(32);
    fresh.close();
  }, 120_000);
});
