/**
 * A small Discord-voice UDP client for tests: IP discovery, sealing Opus
 * frames the way @discordjs/voice does (12-byte header, nonce counter from 1),
 * and opening what the node forwards. Test-only; not exported from the lib.
 */
import { createSocket, type Socket } from 'node:dgram';
import { buildDiscoveryRequest, parseDiscoveryResponse } from '../ip-discovery';
import { parseRtpHeader, RTP_HEADER_LENGTH, writeRtpHeader } from '../rtp-header';
import { openPacket, readNonceCounter, sealPacket } from '../transport-crypto';
import type { EncryptionMode, OpusFrame } from '../types';

/** A frame the client received and decrypted, with the nonce counter it came with. */
export interface ReceivedFrame extends OpusFrame {
  counter: number;
}

/** Options for one sent frame. */
export interface SendOptions {
  sequence?: number;
  timestamp?: number;
  /** Nonce counter; default the next one. */
  counter?: number;
  /** Extension body words (encrypted with the payload), sent with profile 0xBEDE. */
  extension?: Uint8Array;
  /** Sent as this ssrc instead of the client's. */
  ssrc?: number;
}

/** One UDP voice client bound to 127.0.0.1. */
export class UdpTestClient {
  private readonly queue: Buffer[] = [];
  private waiters: Array<(packet: Buffer) => void> = [];
  private session: { mode: EncryptionMode; key: Uint8Array } | null = null;
  private counter = 0;
  private sequence = 1000;
  private timestamp = 48_000;

  private constructor(
    readonly socket: Socket,
    readonly ssrc: number,
    private readonly server: { address: string; port: number },
  ) {
    socket.on('message', (msg) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(msg);
      else this.queue.push(msg);
    });
  }

  /** Opens a client socket on loopback that talks to `server`. */
  static async open(ssrc: number, server: { address: string; port: number }): Promise<UdpTestClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpTestClient(socket, ssrc, server);
  }

  /** This client's local port. */
  get port(): number {
    return this.socket.address().port;
  }

  /** Sends raw bytes to the node. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes, this.server.port, this.server.address);
  }

  /** Performs IP discovery and returns what the node saw. */
  async discover(): Promise<{ ssrc: number; address: string; port: number }> {
    this.sendRaw(buildDiscoveryRequest(this.ssrc));
    const reply = parseDiscoveryResponse(await this.nextPacket());
    if (reply === null) throw new Error('expected an IP discovery response');
    return reply;
  }

  /** Uses this mode and key from now on (as SESSION_DESCRIPTION would). */
  startSession(mode: EncryptionMode, key: Uint8Array): void {
    this.session = { mode, key };
    this.counter = 0;
  }

  /** Builds the datagram for one Opus frame without sending it. */
  seal(opus: Uint8Array, options: SendOptions = {}): Buffer {
    if (this.session === null) throw new Error('no session');
    const counter = options.counter ?? ++this.counter;
    const sequence = options.sequence ?? this.sequence++;
    const timestamp = options.timestamp ?? (this.timestamp += 960);
    const ext = options.extension;
    const header = new Uint8Array(RTP_HEADER_LENGTH + (ext ? 4 : 0));
    writeRtpHeader(header, { sequence, timestamp, ssrc: options.ssrc ?? this.ssrc });
    let plaintext = opus;
    if (ext) {
      header[0] = (header[0] ?? 0) | 0x10;
      header.set([0xbe, 0xde, (ext.length / 4) >> 8, (ext.length / 4) & 0xff], RTP_HEADER_LENGTH);
      plaintext = new Uint8Array(ext.length + opus.length);
      plaintext.set(ext, 0);
      plaintext.set(opus, ext.length);
    }
    return sealPacket(this.session.mode, this.session.key, header, plaintext, counter);
  }

  /** Seals and sends one Opus frame; returns the datagram. */
  sendOpus(opus: Uint8Array, options: SendOptions = {}): Buffer {
    const packet = this.seal(opus, options);
    this.sendRaw(packet);
    return packet;
  }

  /** The next datagram from the node (rejects after `timeoutMs`). */
  nextPacket(timeoutMs = 3000): Promise<Buffer> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no packet within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (packet: Buffer): void => {
        clearTimeout(timer);
        resolve(packet);
      };
      this.waiters.push(waiter);
    });
  }

  /** The next datagram, decrypted with this client's session. */
  async nextFrame(timeoutMs = 3000): Promise<ReceivedFrame> {
    const packet = await this.nextPacket(timeoutMs);
    if (this.session === null) throw new Error('no session');
    const header = parseRtpHeader(packet);
    if (header === null) throw new Error('not RTP');
    const plaintext = openPacket(this.session.mode, this.session.key, packet, header.aadLength);
    if (plaintext === null) throw new Error('did not authenticate');
    return {
      ssrc: header.ssrc,
      sequence: header.sequence,
      timestamp: header.timestamp,
      opus: plaintext.subarray(4 * header.extensionWords),
      counter: readNonceCounter(packet) ?? -1,
    };
  }

  /** Datagrams received and not yet taken. */
  pending(): number {
    return this.queue.length;
  }

  /** Closes the socket. */
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
