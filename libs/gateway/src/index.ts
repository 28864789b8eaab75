export { gatewayModule, createGatewayModule, gatewayConfigSchema, GATEWAY_STORE, type GatewayModuleOptions, type GatewayValue } from './gateway.module';
export { GatewayHttpServer, type HttpHandler } from './http-server';
export { GatewayServer, type GatewayServerOptions } from './ws/gateway-server';
export { Op, CloseCode, Intent, ALL_INTENTS, PRIVILEGED_INTENTS, DEFAULT_HEARTBEAT_INTERVAL_MS } from './ws/gateway-codes';
export { ZlibStreamEncoder, ZLIB_SUFFIX } from './ws/zlib-stream';
export { GatewayCloseError, GatewayInvalidArgumentError } from './ws/errors';
export { StoreSessionRelay } from './session/store-session-relay';
export { StoreMemberLister, type MemberLister } from './session/member-lister';
export { SessionRegistry } from './session/session-registry';
