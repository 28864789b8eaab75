/**
 * How the guild actor reaches the voice service: a consistent-hash ring of
 * voice nodes keyed by `${guildId}:${channelId}` (one call lives on one voice
 * node), and one VoiceService client per node, made on first use.
 */
import { HashRing, type Member } from '@chat/ring';
import { createServiceClient, type ServiceClient } from '@chat/rpc';
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

/** Voice clients over a static list of voice nodes (CHAT_GUILD_VOICE_NODES). */
export class RingVoiceClients implements VoiceClients {
  private readonly ring: HashRing;
  private readonly addresses = new Map<string, string>();
  private readonly clients = new Map<string, ServiceClient<typeof voiceV1.VoiceServiceService>>();

  constructor(members: readonly Member[], private readonly timeoutMs = 1_500) {
    this.ring = new HashRing(members.map((m) => m.id));
    for (const member of members) this.addresses.set(member.id, member.address);
  }

  nodeFor(guildId: string, channelId: string): string {
    return this.ring.owner(callKey(guildId, channelId));
  }

  client(nodeId: string): VoiceApi {
    const existing = this.clients.get(nodeId);
    if (existing) return existing;
    const address = this.addresses.get(nodeId);
    if (address === undefined) throw new VoiceServerUnavailableError(nodeId, 'lookup (not on the voice ring)');
    const client = createServiceClient(voiceV1.VoiceServiceService, address, { defaultTimeoutMs: this.timeoutMs });
    this.clients.set(nodeId, client);
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
