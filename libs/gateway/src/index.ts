export { gatewayModule, gatewayConfigSchema, GATEWAY_STORE, type GatewayValue } from './gateway.module';
export { GatewayServer, type GatewayServerOptions } from './ws/gateway-server';
export { Op, CloseCode, ALL_INTENTS, PRIVILEGED_INTENTS, DEFAULT_HEARTBEAT_INTERVAL_MS } from './ws/gateway-codes';
export { ZlibStreamEncoder, ZLIB_SUFFIX } from './ws/zlib-stream';
export { GatewayCloseError, GatewayInvalidArgumentError } from './ws/errors';
export { type MemberLister, type MemberPageRequest, type MemberPageResult } from './session/member-lister';
export { guildServiceMemberLister, type ListMembersClient } from './session/guild-service-member-lister';
export { SessionHub } from './session/session-hub';
export { SessionRegistry } from './session/session-registry';
