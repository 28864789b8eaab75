import { defineModule, GRPC_SERVER, moduleKey } from '@chat/modules';
import { voiceV1 } from '@chat/proto';
import { serviceNameOf } from '@chat/rpc';
import { Gauge } from 'prom-client';
import { voiceHandlers } from './allocation/voice.grpc';
import { startVoiceNode, type VoiceNode } from './gateway/voice-node';
import { voiceConfigSchema } from './voice.config';
import { registerVoiceMetrics } from './voice-metrics';

/** What the voice module shares once started: where clients dial and which certificate they must trust. */
export interface VoiceModuleValue {
  /** host:port of the voice gateway (wss). */
  readonly endpoint: string;
  /** The certificate the voice gateway serves; self-signed unless CHAT_VOICE_TLS_CERT is set. */
  readonly certPath: string;
  /** The bound UDP port of the media node. */
  readonly udpPort: number;
}

/** Key of the voice module's value. */
export const VOICE = moduleKey<VoiceModuleValue>('voice');

/**
 * The voice service module: the media node (UDP, CHAT_VOICE_UDP_PORT), the
 * Discord voice gateway over WSS (CHAT_VOICE_WS_PORT, TLS from
 * CHAT_VOICE_TLS_CERT/KEY or a self-signed certificate) and VoiceService on the
 * shared gRPC server: AllocateServer hands out single-use tokens
 * (CHAT_VOICE_TOKEN_TTL_MS), RevokeSession closes voice connections with 4014.
 * On stop every voice session is closed (1001) and the UDP socket released.
 */
export const voiceModule = defineModule({
  name: 'voice',
  kind: 'service',
  dependsOn: [GRPC_SERVER.name],
  configSchema: voiceConfigSchema,
  create: (config) => {
    let node: VoiceNode | undefined;
    return {
      grpcServices: [serviceNameOf(voiceV1.VoiceServiceService)],
      async start(context): Promise<VoiceModuleValue> {
        const started = await startVoiceNode({ ...config, logger: context.logger });
        node = started;
        const registers = [context.metrics];
        const counters = () => started.media.counters();
        new Gauge({ name: 'chat_voice_connections', help: 'Open voice gateway WebSockets', registers, collect() { this.set(started.gateway.connectionCount()); } });
        new Gauge({ name: 'chat_voice_sessions', help: 'Voice sessions (connected or waiting for RESUME)', registers, collect() { this.set(started.gateway.directory.all().length); } });
        new Gauge({ name: 'chat_voice_packets_received', help: 'RTP packets received by the media node', registers, collect() { this.set(counters().packetsReceived); } });
        new Gauge({ name: 'chat_voice_packets_forwarded', help: 'RTP packets forwarded by the media node', registers, collect() { this.set(counters().packetsForwarded); } });
        registerVoiceMetrics(context.metrics, counters);
        context.get(GRPC_SERVER).addService(voiceV1.VoiceServiceService, voiceHandlers(started.allocator));
        context.logger.info({ endpoint: started.endpoint, udpPort: started.media.port, modes: started.media.modes, certPath: started.certPath }, 'voice node ready');
        return { endpoint: started.endpoint, certPath: started.certPath, udpPort: started.media.port };
      },
      async stop() {
        await node?.close();
        node = undefined;
      },
      endpoints(): Record<string, string> {
        return node ? { 'voice wss': `wss://${node.endpoint}`, 'voice udp': `${node.media.ip}:${node.media.port}` } : {};
      },
    };
  },
});
