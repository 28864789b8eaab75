/**
 * Interactions in flight, kept as records (@chat/store RecordStore) for the
 * 15 minutes their token is valid, so that any API node can answer the
 * callback, the follow-ups and the edits of the original response:
 *
 *   interactions        (token hash)      "i" -> the interaction
 *   interaction_state   (interaction id)  "s" -> pending | failed | answered:<type>
 *   interaction_msgs    (interaction id)  "@original" or message id -> where the message is
 *   interaction_modals  (user id)         modal custom_id -> the modal shown
 *
 * The state moves only through conditional writes: the first initial
 * response wins (a second gets 40060), and the 3-second deadline and a late
 * callback race the same way (the loser gets 10062).
 */
import { hashToken, type RecordStore } from '@chat/store';
import { randomBytes } from 'node:crypto';
import type { ModalInput } from '../components/component-schema';

/** Seconds an interaction token stays valid (Discord: 15 minutes). */
export const INTERACTION_TOKEN_TTL_SECONDS = 15 * 60;

/** What the server remembers of an interaction. */
export interface StoredInteraction {
  id: string;
  applicationId: string;
  /** Discord's interaction type (2 command, 3 component, 4 autocomplete, 5 modal submit). */
  type: number;
  guildId: string | null;
  channelId: string;
  userId: string;
  /** The user client's nonce, echoed in INTERACTION_SUCCESS / FAILURE. */
  nonce: string | null;
  /** The gateway session it was invoked from: INTERACTION_* events go to that session only. */
  sessionId?: string;
  /** The command's type and name (for the response message's type and interaction_metadata). */
  commandType?: number;
  commandName?: string;
  /** For a component interaction: the message the component is on. */
  messageId?: string;
  /** The interaction_metadata object of the messages answering it. */
  metadata: Record<string, unknown>;
}

/** Where a message answering an interaction is; an ephemeral one lives only here, as its JSON. */
export interface InteractionMessage {
  messageId: string;
  channelId: string;
  ephemeral: boolean;
  /** The message object, for an ephemeral message (nothing else stores it). */
  json?: Record<string, unknown>;
}

/** A modal shown to a user, waiting for its submission. */
export interface ShownModal {
  applicationId: string;
  interactionId: string;
  guildId: string | null;
  channelId: string;
  messageId?: string;
  customId: string;
  title: string;
  inputs: ModalInput[];
}

/** Dispatch options that reach the session the person invoked from (all of their sessions when it was not named). */
export function toInvokingSession(interaction: Pick<StoredInteraction, 'sessionId'>): { sessionIds?: string[] } {
  return interaction.sessionId ? { sessionIds: [interaction.sessionId] } : {};
}

/** The state of an interaction's initial response. */
export type InteractionState = 'pending' | 'failed' | `answered:${number}`;

const TTL = { ttlSeconds: INTERACTION_TOKEN_TTL_SECONDS };

/** A new interaction token: 'interaction.' then 48 random bytes, base64url. */
export function newInteractionToken(): string {
  return `aW50ZXJhY3Rpb24.${randomBytes(48).toString('base64url')}`;
}

/** Typed access to the interaction records. */
export class InteractionRecords {
  constructor(private readonly records: RecordStore) {}

  /** Remembers a new interaction (pending) under its token. */
  async create(interaction: StoredInteraction, token: string): Promise<void> {
    await this.records.put('interactions', hashToken(token), 'i', JSON.stringify(interaction), TTL);
    await this.records.insertIfAbsent('interaction_state', interaction.id, 's', 'pending', TTL);
  }

  /** The interaction a token belongs to, while it is valid. */
  async byToken(token: string): Promise<StoredInteraction | undefined> {
    if (token.length === 0 || token.length > 500) return undefined;
    const value = await this.records.get('interactions', hashToken(token), 'i');
    return value === undefined ? undefined : (JSON.parse(value) as StoredInteraction);
  }

  /** The state of its initial response. */
  async state(interactionId: string): Promise<InteractionState | undefined> {
    return (await this.records.get('interaction_state', interactionId, 's')) as InteractionState | undefined;
  }

  /** Moves pending -> answered:<type>; false when it was not pending (answered already, or failed). */
  async answer(interactionId: string, callbackType: number): Promise<boolean> {
    return this.records.replaceIf('interaction_state', interactionId, 's', 'pending', `answered:${callbackType}`, TTL);
  }

  /** Moves pending -> failed (the application did not answer in time); false when it had answered. */
  async fail(interactionId: string): Promise<boolean> {
    return this.records.replaceIf('interaction_state', interactionId, 's', 'pending', 'failed', TTL);
  }

  /** Records a message answering the interaction (`key` "@original" or the message id). */
  async saveMessage(interactionId: string, key: string, message: InteractionMessage): Promise<void> {
    await this.records.put('interaction_msgs', interactionId, key, JSON.stringify(message), TTL);
  }

  /** A message answering the interaction, by "@original" or id. */
  async message(interactionId: string, key: string): Promise<InteractionMessage | undefined> {
    const value = await this.records.get('interaction_msgs', interactionId, key);
    return value === undefined ? undefined : (JSON.parse(value) as InteractionMessage);
  }

  /** Forgets a message answering the interaction. */
  async forgetMessage(interactionId: string, key: string): Promise<void> {
    await this.records.delete('interaction_msgs', interactionId, key);
  }

  /** Remembers a modal shown to a user (replacing one with the same custom_id). */
  async showModal(userId: string, modal: ShownModal): Promise<void> {
    await this.records.put('interaction_modals', userId, modal.customId.slice(0, 100), JSON.stringify(modal), TTL);
  }

  /** The modal a submission answers. */
  async modal(userId: string, customId: string): Promise<ShownModal | undefined> {
    const value = await this.records.get('interaction_modals', userId, customId.slice(0, 100));
    return value === undefined ? undefined : (JSON.parse(value) as ShownModal);
  }

  /** Forgets a modal once its submission was accepted (a modal is submitted once). */
  async forgetModal(userId: string, customId: string): Promise<void> {
    await this.records.delete('interaction_modals', userId, customId.slice(0, 100));
  }
}
