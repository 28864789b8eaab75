export { WebRtcConnection, type WebRtcSettings } from './webrtc-connection';
export { WebRtcPeer, type WebRtcPeerOptions } from './webrtc-peer';
export { RtpRewriter, type IncomingRtp, type RewrittenRtp } from './rtp-rewriter';
export { decodeClientMessage, MAX_SIGNAL_BYTES, type ClientMessage, type ServerMessage } from './webrtc-messages';
export { WebRtcNegotiationError, NotAUdpPeerError } from './errors';
