import type { MediaNode, MediaNodeOptions } from './types';

/** Binds the node's UDP socket and returns the node. */
export function createMediaNode(options: MediaNodeOptions): Promise<MediaNode> {
  void options;
  return Promise.reject(new Error('not yet'));
}
