/**
 * Discord voice UDP IP discovery. A 74-byte datagram:
 *
 *     0-1: type (1 = request, 2 = response)   2-3: length (70)   4-7: ssrc
 *     8-71: address, NUL-terminated ASCII     72-73: port (big-endian)
 *
 * The client sends a request (address and port zero); the server answers with
 * the address and port it saw the request come from. @discordjs/voice reads
 * the address up to the first NUL from offset 8 (and requires IPv4) and the
 * port from the last two bytes.
 */
import { Buffer } from 'node:buffer';

/** Size of a discovery datagram. */
export const DISCOVERY_LENGTH = 74;
const DISCOVERY_BODY_LENGTH = 70;
const ADDRESS_OFFSET = 8;
const ADDRESS_MAX = 64;

/** The ssrc of a well-formed discovery request, or null if `packet` is not one. */
export function parseDiscoveryRequest(packet: Uint8Array): number | null {
  if (packet.length !== DISCOVERY_LENGTH) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (view.getUint16(0) !== 1 || view.getUint16(2) !== DISCOVERY_BODY_LENGTH) return null;
  return view.getUint32(4);
}

/** Strips the `::ffff:` prefix Node puts on IPv4 peers of a dual-stack socket. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function build(type: number, ssrc: number, address: string, port: number): Buffer {
  const out = Buffer.alloc(DISCOVERY_LENGTH);
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(DISCOVERY_BODY_LENGTH, 2);
  out.writeUInt32BE(ssrc >>> 0, 4);
  out.write(address.slice(0, ADDRESS_MAX - 1), ADDRESS_OFFSET, 'ascii');
  out.writeUInt16BE(port & 0xffff, DISCOVERY_LENGTH - 2);
  return out;
}

/** The answer to a request from `ssrc` seen as coming from `address:port`. */
export function buildDiscoveryResponse(ssrc: number, address: string, port: number): Buffer {
  return build(2, ssrc, plainAddress(address), port);
}

/** A discovery request as a client sends it (address and port zero). */
export function buildDiscoveryRequest(ssrc: number): Buffer {
  return build(1, ssrc, '', 0);
}

/** Parses a discovery response (client side), or null when `packet` is not one. */
export function parseDiscoveryResponse(packet: Uint8Array): { ssrc: number; address: string; port: number } | null {
  if (packet.length !== DISCOVERY_LENGTH) return null;
  const buf = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (buf.readUInt16BE(0) !== 2 || buf.readUInt16BE(2) !== DISCOVERY_BODY_LENGTH) return null;
  const end = buf.indexOf(0, ADDRESS_OFFSET);
  const address = buf.toString('ascii', ADDRESS_OFFSET, end < 0 || end > DISCOVERY_LENGTH - 2 ? DISCOVERY_LENGTH - 2 : end);
  return { ssrc: buf.readUInt32BE(4), address, port: buf.readUInt16BE(DISCOVERY_LENGTH - 2) };
}
