/**
 * A stand-in browser for tests: a werift RTCPeerConnection with one sendrecv
 * audio transceiver, signalling over `wss://<endpoint>/webrtc` with `ws`.
 * Test-only; not exported from the lib.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import WebSocket from 'ws';

/** A message the server sent, as parsed JSON. */
export type Signal = { op: string } & Record<string, unknown>;

/** How the signalling socket closed. */
export interface SignalClose {
  code: number;
  reason: string;
}

/** One RTP packet the browser's receiving track got. */
export interface BrowserRtp {
  sequence: number;
  timestamp: number;
  marker: boolean;
  csrc: number[];
  payload: Buffer;
}

const OPUS_PT = 111;

/** A signalling socket plus (after {@link BrowserPeer.connect}) a PeerConnection. */
export class BrowserPeer {
  readonly signals: Signal[] = [];
  readonly received: BrowserRtp[] = [];
  readonly closed: Promise<SignalClose>;
  private readonly waiters: Array<{ op: string; from: number; resolve: (signal: Signal) => void }> = [];
  private pc: RTCPeerConnection | undefined;
  private readonly track = new MediaStreamTrack({ kind: 'audio' });
  private sequence = 5000;
  private timestamp = 123_456;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const signal = JSON.parse(String(data)) as Signal;
      this.signals.push(signal);
      const index = this.signals.length - 1;
      for (const waiter of [...this.waiters]) {
        if (waiter.op === signal.op && index >= waiter.from) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(signal);
        }
      }
    });
  }

  /** Opens `wss://endpoint/webrtc` trusting `ca`. */
  static async open(endpoint: string, ca: Buffer, path = '/webrtc'): Promise<BrowserPeer> {
    const ws = new WebSocket(`wss://${endpoint}${path}`, { ca });
    const peer = new BrowserPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  /** Sends a message (any JSON value, or raw text when `raw`). */
  send(message: unknown, raw = false): void {
    this.ws.send(raw ? String(message) : JSON.stringify(message));
  }

  /** The first signal of `op` at or after index `from` (default any); rejects after `timeoutMs`. */
  next(op: string, options: { from?: number; timeoutMs?: number } = {}): Promise<Signal> {
    const from = options.from ?? 0;
    const found = this.signals.find((signal, index) => signal.op === op && index >= from);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${op} within ${options.timeoutMs ?? 5000} ms (got ${this.signals.map((s) => s.op).join(',')})`)), options.timeoutMs ?? 5000);
      this.waiters.push({
        op,
        from,
        resolve: (signal) => {
          clearTimeout(timer);
          resolve(signal);
        },
      });
    });
  }

  /** Offers audio (Opus 48000/2, host candidates incl. loopback, gathered first), applies the answer, waits for DTLS. */
  async connect(timeoutMs = 10_000): Promise<void> {
    const pc = new RTCPeerConnection({
      codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: OPUS_PT })] },
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    this.pc = pc;
    pc.addTransceiver(this.track, { direction: 'sendrecv' });
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        const h = rtp.header;
        this.received.push({ sequence: h.sequenceNumber, timestamp: h.timestamp, marker: h.marker, csrc: [...h.csrc], payload: Buffer.from(rtp.payload) });
      });
    });
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((state) => state === 'complete', timeoutMs);
    const from = this.signals.length;
    this.send({ op: 'offer', sdp: pc.localDescription?.sdp });
    const answer = await this.next('answer', { from, timeoutMs });
    await pc.setRemoteDescription({ type: 'answer', sdp: String(answer.sdp) });
    if (pc.connectionState !== 'connected') await pc.connectionStateChange.watch((state) => state === 'connected', timeoutMs);
  }

  /** An offer SDP from a throwaway werift PeerConnection (gathered), for bad-input tests; `mimeType` picks its one audio codec. */
  static async offerSdp(mimeType = 'audio/opus'): Promise<string> {
    const opus = mimeType === 'audio/opus';
    const codec = new RTCRtpCodecParameters({ mimeType, clockRate: opus ? 48_000 : 8000, channels: opus ? 2 : 1, payloadType: opus ? OPUS_PT : 0 });
    const pc = new RTCPeerConnection({ codecs: { audio: [codec] }, iceAdditionalHostAddresses: ['127.0.0.1'] });
    try {
      pc.addTransceiver('audio', { direction: 'sendrecv' });
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((state) => state === 'complete', 5000);
      return pc.localDescription?.sdp ?? '';
    } finally {
      await pc.close().catch(() => undefined);
    }
  }

  /** Sends Opus frames on the audio track, one every `intervalMs`, with consecutive sequence numbers and 960-sample timestamps. */
  async play(frames: readonly Buffer[], intervalMs = 20): Promise<void> {
    for (const frame of frames) {
      this.track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: OPUS_PT, sequenceNumber: this.sequence, timestamp: this.timestamp }), frame));
      this.sequence = (this.sequence + 1) & 0xffff;
      this.timestamp = (this.timestamp + 960) >>> 0;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** The PeerConnection's state ('new' before connect). */
  get connectionState(): string {
    return this.pc?.connectionState ?? 'new';
  }

  /** Closes the PeerConnection and the socket. */
  async close(): Promise<void> {
    this.ws.close();
    await this.pc?.close().catch(() => undefined);
  }
}
