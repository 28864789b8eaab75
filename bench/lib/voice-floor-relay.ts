/**
 * The voice benchmark's floor: the least a media server must do per packet.
 * One UDP socket; IP discovery (the same 74-byte exchange as the media node)
 * records each participant's address by ssrc; every other datagram is read
 * for its ssrc and sent, byte for byte, to every other recorded participant.
 * No decryption, no re-encryption, no replay window, no silence gate: what is
 * left is Node's UDP receive, a map lookup and K-1 sends, so the media node's
 * cost divided by this one is the price of everything an SFU adds.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { DISCOVERY_BYTES } from './voice-rtp';

/** Counters of the floor relay (monotonic, like the media node's). */
export interface FloorCounters {
  packetsReceived: number;
  packetsForwarded: number;
  bytesSent: number;
}

/** A plain UDP relay for one call on 127.0.0.1. */
export class FloorRelay {
  private readonly peers = new Map<number, { address: string; port: number }>();
  private readonly stats: FloorCounters = { packetsReceived: 0, packetsForwarded: 0, bytesSent: 0 };

  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
  }

  /** Binds an ephemeral port on 127.0.0.1. */
  static async open(): Promise<FloorRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new FloorRelay(socket);
  }

  /** The bound port. */
  get port(): number {
    return this.socket.address().port;
  }

  /** A snapshot of the counters. */
  counters(): FloorCounters {
    return { ...this.stats };
  }

  /** Closes the socket. */
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.packetsReceived++;
    if (msg.length < 12) return;
    const ssrc = msg.readUInt32BE(msg.length === DISCOVERY_BYTES ? 4 : 8);
    if (msg.length === DISCOVERY_BYTES && msg.readUInt16BE(0) === 1) {
      this.peers.set(ssrc, { address: rinfo.address, port: rinfo.port });
      const reply = Buffer.alloc(DISCOVERY_BYTES);
      reply.writeUInt16BE(2, 0);
      reply.writeUInt16BE(70, 2);
      reply.writeUInt32BE(ssrc, 4);
      reply.write(rinfo.address, 8, 'ascii');
      reply.writeUInt16BE(rinfo.port, DISCOVERY_BYTES - 2);
      this.send(reply, rinfo);
      return;
    }
    if (!this.peers.has(ssrc)) return;
    for (const [other, remote] of this.peers) {
      if (other === ssrc) continue;
      this.send(msg, remote);
      this.stats.packetsForwarded++;
    }
  }

  private send(packet: Buffer, remote: { address: string; port: number }): void {
    this.stats.bytesSent += packet.length;
    this.socket.send(packet, remote.port, remote.address);
  }
}
