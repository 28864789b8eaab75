import { GatewayServiceService } from './gen/chat/gateway/v1/gateway';
import { GuildServiceService } from './gen/chat/guild/v1/guild';
import { MessageServiceService } from './gen/chat/messages/v1/messages';
import { ReadStateServiceService } from './gen/chat/readstates/v1/readstates';
import { SearchServiceService } from './gen/chat/search/v1/search';
import { VoiceServiceService } from './gen/chat/voice/v1/voice';

/**
 * Every gRPC service of the project by fully-qualified name, each mapped to
 * its generated grpc-js service definition (pass it to `server.addService`
 * or `makeGenericClientConstructor`).
 */
export const services = {
  'chat.gateway.v1.GatewayService': GatewayServiceService,
  'chat.guild.v1.GuildService': GuildServiceService,
  'chat.messages.v1.MessageService': MessageServiceService,
  'chat.readstates.v1.ReadStateService': ReadStateServiceService,
  'chat.search.v1.SearchService': SearchServiceService,
  'chat.voice.v1.VoiceService': VoiceServiceService,
} as const;

/** Fully-qualified name of one of the project's gRPC services. */
export type ServiceName = keyof typeof services;

/** The fully-qualified names of every service in {@link services}. */
export const serviceNames: readonly ServiceName[] = Object.freeze(Object.keys(services) as ServiceName[]);
