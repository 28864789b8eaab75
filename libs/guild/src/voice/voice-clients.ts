/**
 * How the guild actor reaches the voice service: a consistent-hash ring of
 * voice nodes keyed by `${guildId}:${channelId}` (one call lives on one voice
 * node), and one VoiceService client per node, made on first use.
 */
import { StaticMembership, type Member } from '@chat/ring';
import { RingClients } from '@chat/rpc';
import { VoiceServerUnavailableError } from '../errors';
import { voiceV1 } from '@chat/proto';

/** Options every voice call takes (a deadline, always). */
export interface VoiceCallOptions {
  timeoutMs?: number;
}

/** The VoiceService calls the guild makes. */
export interface VoiceApi {
  allocateServer(request: voiceV1.AllocateServerRequest, options?: VoiceCallOptions): Promise<voiceV1.AllocateServerResponse>;
  revokeSession(request: voiceV1.RevokeSessionRequest, options?: VoiceCallOptions): Promise<voiceV1.RevokeSessionResponse>;
  updateParticipant(request: voiceV1.UpdateParticipantRequest, options?: VoiceCallOptions): Promise<voiceV1.UpdateParticipantResponse>;
}

/** Picks the voice node of a call and hands out its client. */
export interface VoiceClients {
  /** The voice node that holds the call (guildId, channelId). */
  nodeFor(guildId: string, channelId: string): string;
  /** The client of one voice node. */
  client(nodeId: string): VoiceApi;
  /** Closes every channel. */
  close(): void;
}

/** The key of a call on the voice ring. */
export function callKey(guildId: string, channelId: string): string {
  return `${guildId}:${channelId}`;
}

/** Voice clients over a static list of voice nodes (CHAT_GUILD_VOICE_NODES), on @chat/rpc's RingClients like every ringed caller. */
export class RingVoiceClients implements VoiceClients {
  private readonly ring: RingClients<typeof voiceV1.VoiceServiceService>;

  constructor(members: readonly Member[], timeoutMs = 1_500) {
    this.ring = new RingClients({
      definition: voiceV1.VoiceServiceService,
      membership: new StaticMembership(members),
      client: { defaultTimeoutMs: timeoutMs },
      noNode: (what, cause) => new VoiceServerUnavailableError(what, `lookup (${cause instanceof Error ? cause.message : 'not on the voice ring'})`),
    });
  }

  nodeFor(guildId: string, channelId: string): string {
    return this.ring.ownerOf(callKey(guildId, channelId));
  }

  client(nodeId: string): VoiceApi {
    return this.ring.clientForNode(nodeId);
  }

  close(): void {
    this.ring.close();
  }
}
