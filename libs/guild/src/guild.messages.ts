/**
 * Messages of the guild actor (one actor per guild on the guild node that
 * owns it). Asks carry their `reply`; everything else is a tell.
 */
import type { Reply } from '@chat/actor';
import type { guildV1 } from '@chat/proto';
import type { PresenceRecord } from './guild-json';
import type { ListingProgress } from './member-worker/member-page';
import type { VoiceModerateInput, VoiceUpdateInput } from './voice/voice-ops';

/** A gateway session asking to attach. */
export interface AttachInput {
  sessionId: string;
  userId: string;
  nodeId: string;
  intents: number;
  allowPassive: boolean;
  /** 50..250 (0 means 50). */
  largeThreshold: number;
  presence?: PresenceRecord;
  resuming: boolean;
  /** AttachSessionRequest.moved_from_sequence: the guild moved here and the gateway keeps its sessions; 0n or absent otherwise. */
  movedFromSequence?: bigint;
}

/** Result of a subscription change. */
export interface SubscriptionResult {
  mode: guildV1.SessionMode;
  sequence: string;
}

/** A ListMembers request in progress, carried across turns. */
export interface ListMembersJob extends ListingProgress {
  reply: Reply<guildV1.ListMembersResponse>;
}

/** Every message the guild actor handles. */
export type GuildMsg =
  | { type: 'attach'; input: AttachInput; reply: Reply<guildV1.GuildAttachment | undefined> }
  /** Detaches a session; with `nodeId`, only while the session is still on that gateway node (it may have moved). */
  | { type: 'detach'; sessionId: string; nodeId?: string; reply?: Reply<void> }
  | { type: 'detach-node'; nodeId: string }
  | { type: 'subscribe'; sessionId: string; active: boolean; reply: Reply<SubscriptionResult | undefined> }
  | { type: 'presence'; userId: string; presence: PresenceRecord; reply?: Reply<void> }
  | { type: 'publish'; dispatch: guildV1.Dispatch; dedupeKey: string; reply: Reply<guildV1.PublishEventResponse> }
  | { type: 'get-guild'; reply: Reply<guildV1.GetGuildResponse> }
  | { type: 'get-permissions'; userId: string; channelId?: string; reply: Reply<guildV1.GetPermissionsResponse> }
  /** `inThread`: list on the actor's thread even when the guild is large (a member worker failed). */
  | { type: 'list-members'; request: guildV1.ListMembersRequest; reply: Reply<guildV1.ListMembersResponse>; inThread?: boolean }
  | { type: 'list-members.continue'; job: ListMembersJob }
  | { type: 'replay'; nodeId: string; after: bigint; reply: Reply<boolean> }
  | { type: 'moved'; newOwnerNodeId: string }
  | { type: 'keepalive' }
  /** Gateway op 4: join, move, leave, self mute/deafen. */
  | { type: 'voice-update'; input: VoiceUpdateInput; reply: Reply<guildV1.UpdateVoiceStateResponse> }
  /** A moderator's server mute/deafen, move or disconnect. */
  | { type: 'voice-moderate'; input: VoiceModerateInput; reply: Reply<guildV1.ModerateVoiceStateResponse> };
