export type {
  EncryptionMode,
  MediaNodeOptions,
  MediaNode,
  MediaCounters,
  CallMedia,
  OpusFrame,
  MediaPeerBase,
  MediaPeer,
  SinkPeer,
} from './types';
export type { MediaNodeStats } from './counters';
export { createMediaNode } from './media-node';
export {
  MediaError,
  SsrcInUseError,
  InvalidSsrcError,
  InvalidSecretKeyError,
  InvalidRemoteError,
  UnsupportedModeError,
  MediaNodeClosedError,
  MediaBindError,
  SsrcExhaustedError,
} from './errors';
