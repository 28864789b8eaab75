import { describe, expect, it } from 'vitest';
import { buildDiscoveryRequest, buildDiscoveryResponse, parseDiscoveryRequest, parseDiscoveryResponse } from './ip-discovery';

describe('ip discovery', () => {
  it('builds the 74-byte request @discordjs/voice sends and parses it', () => {
    const req = buildDiscoveryRequest(0xabcdef01);
    expect(req.length).toBe(74);
    expect([...req.subarray(0, 8)]).toEqual([0, 1, 0, 70, 0xab, 0xcd, 0xef, 0x01]);
    expect(parseDiscoveryRequest(req)).toBe(0xabcdef01);
  });

  it('answers with type 2, the address NUL-terminated at 8 and the port in the last two bytes', () => {
    const res = buildDiscoveryResponse(7, '::ffff:10.1.2.3', 50123);
    expect(res.readUInt16BE(0)).toBe(2);
    expect(res.readUInt16BE(2)).toBe(70);
    // the exact parse @discordjs/voice does (parseLocalPacket)
    expect(res.slice(8, res.indexOf(0, 8)).toString('utf8')).toBe('10.1.2.3');
    expect(res.readUInt16BE(res.length - 2)).toBe(50123);
    expect(parseDiscoveryResponse(res)).toEqual({ ssrc: 7, address: '10.1.2.3', port: 50123 });
  });

  it('rejects wrong sizes, types and lengths', () => {
    const req = buildDiscoveryRequest(1);
    expect(parseDiscoveryRequest(req.subarray(0, 73))).toBeNull();
    expect(parseDiscoveryRequest(Buffer.concat([req, Buffer.alloc(1)]))).toBeNull();
    const badType = Buffer.from(req);
    badType[1] = 2;
    expect(parseDiscoveryRequest(badType)).toBeNull();
    const badLength = Buffer.from(req);
    badLength[3] = 71;
    expect(parseDiscoveryRequest(badLength)).toBeNull();
    expect(parseDiscoveryResponse(req)).toBeNull();
  });
});
