export { createRestApi, isRestPath, type RestHandler } from './create-rest-api';
export type { RestDeps, RestDispatch, RestLogger, RestReadStates } from './rest-deps';
export type { RestSearchService } from './rest-deps';
export { grpcSearchService, type GrpcSearchService } from './search/grpc-search-service';
export type { RestMessageService, CreateMessageInput, EditMessageInput } from './messages/message-service.port';
export { grpcMessageService, fromProto, type MessagesRpc, type GrpcMessageServiceOptions } from './messages/grpc-message-service';
export { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimit, type RateLimitConfig, type RateLimitDecision } from './rate-limiter';
export { RestError, DiscordErrors, toRestError, invalidFormBody, type ErrorTree, type FieldError } from './errors';
export { parseMentions, type ParsedMentions, type AllowedMentions } from './mentions';
