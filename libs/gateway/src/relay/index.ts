/**
 * The gateway node's dispatch relay: one StreamDispatches stream per guild
 * node, one GuildRelay per guild, and the LocalSession contract the session
 * actors implement. Re-exported by the gateway's src/index.ts.
 */
export * from './local-sessions';
export { GatewayRelay, type GatewayRelayOptions, type RelayGuildClients } from './gateway-relay';
export { DetachCoalescer, type DetachCoalescerOptions, type DetachTarget } from './detach-coalescer';
export { CallCoalescer, isUnimplemented, type CallCoalescerOptions } from './call-coalescer';
export { GuildRelay, type RelaySession, type GuildRelayEvents } from './guild-relay';
export { RelayMetrics, relayItem } from './relay-metrics';
export { GuildNodeLink, type GuildNodeLinkHandler, type GuildNodeLinkOptions, type StreamSource } from './guild-node-link';
export { selectPayload, redactMessagePayload, isMessageEvent, type FilterSubject, type Selection } from './dispatch-filter';
export { SessionNotRegisteredError } from './errors';
