/**
 * @chat/proto: the generated TypeScript for the contracts in proto/ (never
 * edited by hand; see README.md), the gRPC descriptor set for reflection, and
 * the list of services. One namespace per proto package, named after it.
 */

/** chat.gateway.v1: GatewayService, for events outside guilds (DMs, acks). */
export * as gatewayV1 from './gen/chat/gateway/v1/gateway';
/** chat.guild.v1: GuildService, sessions, dispatch streams, voice states. */
export * as guildV1 from './gen/chat/guild/v1/guild';
/** chat.messages.v1: MessageService and the Message type. */
export * as messagesV1 from './gen/chat/messages/v1/messages';
/** chat.readstates.v1: ReadStateService and the ReadState type. */
export * as readstatesV1 from './gen/chat/readstates/v1/readstates';
/** chat.search.v1: SearchService. */
export * as searchV1 from './gen/chat/search/v1/search';
/** chat.voice.v1: VoiceService and the VoiceServer type. */
export * as voiceV1 from './gen/chat/voice/v1/voice';
/** chat.events.v1: bus payloads (Envelope and the message/read-state events). */
export * as eventsV1 from './gen/chat/events/v1/events';

export { services, serviceNames, type ServiceName } from './services';
export { descriptorSetPath, loadDescriptorSet } from './descriptor-set';
export { DescriptorSetMissingError } from './errors';
