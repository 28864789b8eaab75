/**
 * Every port the all-in-one server listens on (gRPC, ops, HTTP + gateway,
 * voice WSS, voice UDP) set to 0, i.e. a free one: specs and benchmarks that
 * run the server in process, several at once on one machine, never collide on
 * a default port. Spread into the `env` given to `startServer`.
 */
export const EPHEMERAL_PORTS = {
  CHAT_GRPC_PORT: '0',
  CHAT_OPS_PORT: '0',
  CHAT_HTTP_PORT: '0',
  CHAT_VOICE_WS_PORT: '0',
  CHAT_VOICE_UDP_PORT: '0',
} as const;
