/**
 * The server side of one browser's PeerConnection (werift): answers the
 * browser's audio offer, hands the Opus payloads of its RTP to a callback,
 * and writes forwarded frames onto one outgoing audio track.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type RTCRtpTransceiver } from 'werift';
import type { OpusFrame } from '../media';
import { WebRtcNegotiationError } from './errors';
import { RtpRewriter } from './rtp-rewriter';

/** Options of {@link WebRtcPeer}. */
export interface WebRtcPeerOptions {
  /** Extra host candidate addresses (werift skips loopback and internal interfaces unless listed). */
  readonly iceHosts: readonly string[];
  /** UDP port range of the ICE sockets; undefined lets the OS choose. */
  readonly icePortRange?: readonly [number, number] | undefined;
  /** How long gathering may take before the answer is sent with what was found. */
  readonly gatherTimeoutMs: number;
  /** One Opus payload the browser sent. */
  onOpus(frame: Omit<OpusFrame, 'ssrc'>): void;
  /** The PeerConnection failed or closed on its own (ICE consent lost, DTLS closed). */
  onGone(state: string): void;
}

/** Opus as RFC 7587 signals it in SDP: always 48000/2, whatever the content. */
function opusCodec(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111, parameters: 'minptime=10;useinbandfec=1' });
}

/**
 * One PeerConnection with one sendrecv audio transceiver. `answer` may be
 * called once; `send` is a no-op until DTLS is up and after `close`.
 */
export class WebRtcPeer {
  private readonly pc: RTCPeerConnection;
  private readonly track = new MediaStreamTrack({ kind: 'audio' });
  private readonly transceiver: RTCRtpTransceiver;
  private readonly rewriter = new RtpRewriter();
  private payloadType: number | undefined;
  private closed = false;

  constructor(private readonly options: WebRtcPeerOptions) {
    this.pc = new RTCPeerConnection({
      codecs: { audio: [opusCodec()], video: [] },
      headerExtensions: { audio: [], video: [] },
      iceAdditionalHostAddresses: options.iceHosts.length > 0 ? [...options.iceHosts] : undefined,
      icePortRange: options.icePortRange ? [options.icePortRange[0], options.icePortRange[1]] : undefined,
    });
    this.transceiver = this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.receive(rtp));
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (!this.closed && (state === 'failed' || state === 'closed')) options.onGone(state);
    });
  }

  /** True once DTLS is connected and media flows. */
  get connected(): boolean {
    return !this.closed && this.pc.connectionState === 'connected';
  }

  /**
   * Applies the browser's offer and returns the answer SDP with every host
   * candidate in it (gathered before answering, so no trickle is needed).
   * Throws {@link WebRtcNegotiationError} for an offer it cannot answer.
   */
  async answer(sdp: string): Promise<string> {
    if (!/^v=0\r?$/m.test(sdp) || !/^m=audio /m.test(sdp)) throw new WebRtcNegotiationError('the offer has no audio m-line');
    if (!/^a=rtpmap:\d+ opus\/48000\/2\r?$/im.test(sdp)) throw new WebRtcNegotiationError('the offer has no Opus 48000/2 codec');
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
    } catch (error) {
      throw new WebRtcNegotiationError(`the offer was refused: ${messageOf(error)}`, { cause: error });
    }
    if (this.transceiver.mid === null) throw new WebRtcNegotiationError('the offer has no audio m-line');
    const opus = this.transceiver.codecs.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus' && codec.clockRate === 48_000);
    if (!opus) throw new WebRtcNegotiationError('the offer has no Opus 48000/2 codec');
    this.payloadType = opus.payloadType;
    try {
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      if (this.pc.iceGatheringState !== 'complete') {
        await this.pc.iceGatheringStateChange.watch((state) => state === 'complete', this.options.gatherTimeoutMs).catch(() => undefined);
      }
    } catch (error) {
      throw new WebRtcNegotiationError(`could not answer the offer: ${messageOf(error)}`, { cause: error });
    }
    const local = this.pc.localDescription;
    if (!local) throw new WebRtcNegotiationError('no local description after answering');
    return local.sdp;
  }

  /** Adds a trickled remote candidate; a bad one is a {@link WebRtcNegotiationError}. */
  async addCandidate(candidate: { candidate: string; sdpMid?: string | null | undefined; sdpMLineIndex?: number | null | undefined }): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.addIceCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? undefined, sdpMLineIndex: candidate.sdpMLineIndex ?? undefined });
    } catch (error) {
      throw new WebRtcNegotiationError(`bad ICE candidate: ${messageOf(error)}`, { cause: error });
    }
  }

  /**
   * Writes one forwarded frame on the outgoing track, renumbered onto the
   * track's own sequence and timestamp; the speaker's ssrc goes in the CSRC
   * list (what RTCRtpReceiver.getContributingSources reports).
   */
  send(frame: OpusFrame): void {
    if (!this.connected || this.payloadType === undefined) return;
    const place = this.rewriter.next(frame);
    if (place === null) return;
    const header = new RtpHeader({
      payloadType: this.payloadType,
      sequenceNumber: place.sequence,
      timestamp: place.timestamp,
      marker: place.marker,
      csrc: [frame.ssrc],
      csrcLength: 1,
    });
    this.track.writeRtp(new RtpPacket(header, Buffer.from(frame.opus)));
  }

  /** Closes the PeerConnection; idempotent, never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.track.stop();
    await this.pc.close().catch(() => undefined);
  }

  private receive(rtp: RtpPacket): void {
    if (this.closed || rtp.header.payloadType !== this.payloadType || rtp.payload.length === 0) return;
    this.options.onOpus({ sequence: rtp.header.sequenceNumber, timestamp: rtp.header.timestamp, opus: rtp.payload });
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
