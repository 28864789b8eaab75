import { isIP } from 'node:net';
import type { Logger } from '@chat/observability';
import { CallRegistry } from '../allocation/call-registry';
import { TokenStore } from '../allocation/token-store';
import { VoiceAllocator } from '../allocation/voice-allocator';
import { createMediaNode, type EncryptionMode, type MediaNode } from '../media';
import { WebRtcConnection } from '../webrtc';
import { loadOrCreateCert } from './tls-cert';
import { startVoiceGateway, type VoiceGateway } from './voice-gateway';

/** Options of {@link startVoiceNode}: the voice module's settings plus test knobs. */
export interface VoiceNodeOptions {
  nodeId: string;
  host: string;
  /** Advertised host (endpoint and READY ip); empty: `host`. */
  publicHost: string;
  wsPort: number;
  udpPort: number;
  tlsCert: string;
  tlsKey: string;
  tokenTtlMs: number;
  modes: readonly EncryptionMode[];
  logger: Logger;
  /** Default 13 750 ms, Discord's. */
  heartbeatIntervalMs?: number;
  /** How long a dropped voice session waits for RESUME; default 30 s. */
  graceMs?: number;
  /** Clock of token expiry (tests move it); default Date.now. */
  now?: () => number;
  /** Extra ICE host candidate addresses of the WebRTC route (`/webrtc`); default none. */
  webrtcIceHosts?: readonly string[];
}

/** A running voice node: the media node, the voice gateway and the VoiceService behaviour over them. */
export interface VoiceNode {
  readonly allocator: VoiceAllocator;
  readonly gateway: VoiceGateway;
  readonly media: MediaNode;
  /** host:port clients dial with wss://. */
  readonly endpoint: string;
  /** The certificate the gateway serves. */
  readonly certPath: string;
  close(): Promise<void>;
}

/** Brackets an IPv6 literal for a host:port endpoint. */
export function endpointOf(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * Starts the media node, then the voice gateway (TLS from the files given, or
 * a self-signed certificate) with browsers' WebRTC signalling on `/webrtc`.
 */
export async function startVoiceNode(options: VoiceNodeOptions): Promise<VoiceNode> {
  const publicHost = options.publicHost === '' ? options.host : options.publicHost;
  const tls = await loadOrCreateCert({ certPath: options.tlsCert, keyPath: options.tlsKey, host: publicHost });
  if (tls.selfSigned) options.logger.info({ certPath: tls.certPath }, `voice gateway uses a self-signed certificate; clients trust it with NODE_EXTRA_CA_CERTS=${tls.certPath}`);
  const media = await createMediaNode({ bindHost: options.host, port: options.udpPort, advertisedIp: publicHost, modes: options.modes });
  const tokens = new TokenStore(options.tokenTtlMs, options.now);
  const registry = new CallRegistry();
  let gateway: VoiceGateway;
  try {
    gateway = await startVoiceGateway({
      host: options.host,
      port: options.wsPort,
      tls,
      media,
      tokens,
      registry,
      logger: options.logger,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 13_750,
      graceMs: options.graceMs ?? 30_000,
      routes: { '/webrtc': (ws, deps) => new WebRtcConnection(ws, deps, { iceHosts: options.webrtcIceHosts ?? [] }) },
    });
  } catch (error) {
    await media.close();
    throw error;
  }
  const endpoint = endpointOf(publicHost, gateway.port);
  const allocator = new VoiceAllocator({ tokens, registry, endpoint: () => endpoint, nodeId: options.nodeId });
  // Seats whose token expired unused would otherwise stay until their call is next described.
  const sweeper = setInterval(() => allocator.sweep(), options.tokenTtlMs);
  sweeper.unref();
  return {
    allocator,
    gateway,
    media,
    endpoint,
    certPath: tls.certPath,
    async close() {
      clearInterval(sweeper);
      await gateway.close();
      await media.close();
    },
  };
}
