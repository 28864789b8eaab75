/** Voice gateway opcodes (Discord voice gateway v4 and v8, as @discordjs/voice 0.18 speaks them). */
export const VoiceOp = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
  ClientsConnect: 11,
  ClientDisconnect: 13,
} as const;

/** Voice gateway close codes as Discord documents them. */
export const VoiceClose = {
  UnknownOpcode: 4001,
  FailedToDecode: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionNoLongerValid: 4006,
  SessionTimeout: 4009,
  ServerNotFound: 4011,
  UnknownProtocol: 4012,
  Disconnected: 4014,
  UnknownEncryptionMode: 4016,
} as const;

/** Largest text frame the voice gateway accepts; a longer one closes the connection with 4002. */
export const MAX_PAYLOAD_BYTES = 4096;
