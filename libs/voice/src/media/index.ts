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
export { createMediaNode } from './media-node';
